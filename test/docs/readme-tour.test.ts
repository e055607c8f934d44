import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toolsCacheDir } from '../../engine/render/tools.js';
import { copyExample } from '../helpers/example-copy.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { describeWithTools } from '../tools/render-tools.js';
import { HAS_TMUX } from '../tui/tmux-terminal.js';

/** One line of the tour: what a reader types, and the exit code the README marks (`# exits N:`), else 0. */
interface TourStep {
  readonly command: string;
  readonly comment: string;
  readonly exitCode: number;
}

/** The fenced shell block of README's "A tour", line by line. */
function tourSteps(readme: string): TourStep[] {
  const section = readme.slice(readme.indexOf('## A tour\n'));
  const block = /```sh\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 3)));
  if (!block) throw new Error('README.md: no ```sh block in "A tour"');
  return block[1]
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const m = /^(.*?)\s+#\s(.*)$/.exec(line);
      const comment = m?.[2] ?? '';
      return { command: (m?.[1] ?? line).trim(), comment, exitCode: Number(/\bexits (\d+)\b/.exec(comment)?.[1] ?? 0) };
    });
}

const DIST_MAIN = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');

/** The newest modification time under the built sources (engine/, cli/, tui/), in ms. */
function newestSource(dir = PROJECT_ROOT, parts = ['engine', 'cli', 'tui']): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const part of parts) walk(join(dir, part));
  return newest;
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describeWithTools('the README tour, as written, on a fresh copy of the example', ['kustomize', 'helm'], () => {
  let tmp: string;
  let checkout: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    // the built CLI, as `npm link` puts it on a reader's PATH; built now if the sources are newer (npm ci builds it)
    if (!existsSync(DIST_MAIN) || statSync(DIST_MAIN).mtimeMs < newestSource()) {
      const build = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    }
    tmp = mkdtempSync(join(tmpdir(), 'plumb-tour-'));
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'plumb'), `#!/bin/sh\nexec "${process.execPath}" "${DIST_MAIN}" "$@"\n`, { mode: 0o755 });
    checkout = copyExample(join(tmp, 'checkout'), { git: true });
    const home = join(tmp, 'home'); // a reader's laptop: no kubeconfig
    mkdirSync(home);
    env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      HOME: home,
      KUBECONFIG: '',
      PLUMB_TOOLS_CACHE: toolsCacheDir(),
      NO_COLOR: '1',
      FORCE_COLOR: undefined,
      PLUMB_DEBUG: undefined,
    };
  }, 300_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const sh = (command: string, cwd: string, timeoutMs = 180_000): Ran => {
    const r = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const planOf = (cwd: string) => {
    const r = sh('plumb plan -o json', cwd);
    const plan = JSON.parse(r.stdout);
    return { code: r.code, summary: plan.summary, changes: plan.changes.map((c: { id: string; action: string }) => `${c.action} ${c.id}`).sort() };
  };

  it('every command exits as the README says, the checkout stays clean, and npm start plans as before', async () => {
    const steps = tourSteps(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8'));
    expect(steps.length).toBeGreaterThan(10);
    const before = planOf(checkout);
    expect(before.code).toBe(3); // npm start's demo: a policy denies

    let cwd = checkout;
    const out = new Map<string, Ran>();
    for (const step of steps) {
      let last: Ran = { code: 0, stdout: '', stderr: '' };
      for (const segment of step.command.split(' && ')) {
        const cd = /^cd (\S+)$/.exec(segment);
        if (cd) {
          cwd = resolve(cwd, cd[1]);
          continue;
        }
        if (segment === 'plumb tui') last = await runTui(cwd);
        else if (segment.startsWith('plumb controller')) last = await runController(segment, cwd);
        else last = sh(segment, cwd);
      }
      out.set(step.command, last);
      const shown = `$ ${step.command}\n${last.stdout.slice(-3000)}${last.stderr.slice(-3000)}`;
      expect(last.code, shown).toBe(step.exitCode);
      expect(last.stderr, shown).not.toMatch(/\n\s+at .*:\d+:\d+/); // never a stack trace
    }

    const result = (prefix: string) => [...out].find(([c]) => c.startsWith(prefix))![1];
    expect(cwd).toBe(join(tmp, 'plumb-tour'));
    expect(result('plumb validate').stdout).toMatch(/0 errors/);
    expect(result('plumb plan --out').stderr + result('plumb plan --out').stdout).toContain('no-tier1-delete');
    expect(existsSync(join(cwd, 'plan.json'))).toBe(true);
    expect(result('plumb apply plan.json --override').stdout).toMatch(/apply succeeded/);
    expect(result('plumb restore latest').stdout).toMatch(/^restore \(dry run\) from backup \d{8}T\d+Z-[0-9a-f]+: nothing was changed/);
    const controller = result('plumb controller').stdout + result('plumb controller').stderr;
    expect(controller.match(/no kubeconfig found/g)).toHaveLength(1);
    expect(controller).not.toMatch(/leader election call failed|cannot record an Event|cannot write the status ConfigMap/);
    expect(result('plumb incidents').stdout).toContain('database:shop/orders-db');

    // the tour changed its clone, not the checkout: npm start plans exactly as before
    expect(sh('git status --porcelain', checkout).stdout).toBe('');
    expect(planOf(checkout)).toEqual(before);
    expect(sh('git status --porcelain', cwd).stdout).toContain(' M observed/snapshot.yaml');
    // the apply rewrote the clone's snapshot in place: its header comment (the format's documentation) survives
    const header = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('#'))
        .slice(0, 20)
        .join('\n');
    expect(header(join(cwd, 'observed/snapshot.yaml'))).toBe(header(join(checkout, 'observed/snapshot.yaml')));
  }, 900_000);

  /** `plumb tui` in a real terminal (tmux, 120×40): it shows the plan; `q` quits with 0. */
  async function runTui(cwd: string): Promise<Ran> {
    if (!HAS_TMUX) {
      if (process.env.PLUMB_REQUIRE_CLUSTER === '1') throw new Error('PLUMB_REQUIRE_CLUSTER=1 but tmux is missing: the tour runs `plumb tui` in it');
      console.warn('README tour: tmux is missing, `plumb tui` is not run');
      return { code: 0, stdout: '', stderr: '' };
    }
    const socket = `plumb-tour-${process.pid}`;
    const codeFile = join(tmp, 'tui-exit');
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env });
    const quoted = Object.entries({ PATH: env.PATH!, HOME: env.HOME!, KUBECONFIG: '', PLUMB_TOOLS_CACHE: env.PLUMB_TOOLS_CACHE!, NO_COLOR: '1' })
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    tmux('new-session', '-d', '-s', 'tour', '-x', '120', '-y', '40', '-c', cwd, `env ${quoted} bash -c 'plumb tui; echo $? > ${codeFile}'`);
    try {
      let screen = '';
      const until = Date.now() + 120_000;
      // the plan is on screen once CIs of the example (namespace shop) are listed
      while (!/\bshop\/[a-z]/.test(screen)) {
        if (Date.now() > until) throw new Error(`plumb tui did not show the plan; screen:\n${screen}`);
        await new Promise((r) => setTimeout(r, 200));
        screen = tmux('capture-pane', '-p', '-t', 'tour').stdout ?? '';
      }
      tmux('send-keys', '-t', 'tour', 'q');
      while (!existsSync(codeFile)) {
        if (Date.now() > until) throw new Error(`plumb tui did not quit on q; screen:\n${tmux('capture-pane', '-p', '-t', 'tour').stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return { code: Number(readFileSync(codeFile, 'utf8').trim()), stdout: screen, stderr: '' };
    } finally {
      tmux('kill-server');
    }
  }

  /** `plumb controller …` until it has reconciled and its monitor has correlated the example's forecast; Ctrl-C (SIGINT) stops it. */
  function runController(command: string, cwd: string): Promise<Ran> {
    return new Promise((resolveRan, reject) => {
      const child = spawn('bash', ['-c', `exec ${command}`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let interrupted = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the controller did not reconcile within 120 s:\n${stdout}${stderr}`));
      }, 120_000);
      const check = () => {
        const reconciled = /"msg":"(reconciled|reconcile stalled)/.test(stdout + stderr);
        const correlated = /"msg":"incident (open|update)/.test(stdout + stderr);
        if (reconciled && correlated && !interrupted) {
          interrupted = true; // one Ctrl-C, as a reader presses it
          child.kill('SIGINT');
        }
      };
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        check();
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        check();
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolveRan({ code, stdout, stderr });
      });
    });
  }
});
