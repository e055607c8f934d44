import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, fixture, runCli } from '../helpers/run-cli.js';

/**
 * Fault injection through the exec provider: test/fixtures/apply-exec/plugin.mjs
 * keeps its actual state in state.json and fails (PLUGIN_FAIL_ON) or blocks
 * (PLUGIN_BLOCK_ON) on a given CI. The three items form a chain: a in wave 1,
 * b in wave 2, c in wave 3.
 */
let repo: string;
const item = (name: string, size: number) => ({ apiVersion: 'plumb.io/v1', kind: 'Item', metadata: { name }, spec: { size } });
/** The state before each test: every item at size 1 (so each one is an update). */
const initialState = JSON.stringify({ 'item:default/a': item('a', 1), 'item:default/b': item('b', 1), 'item:default/c': item('c', 1) }, null, 2) + '\n';

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'plumb-apply-exec-'));
  await cp(fixture('apply-exec'), repo, { recursive: true });
  await writeFile(join(repo, 'state.json'), initialState);
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const state = () => readFile(join(repo, 'state.json'), 'utf8');
const sizes = async () =>
  Object.fromEntries(Object.entries(JSON.parse(await state())).map(([id, o]) => [id, (o as { spec?: { size: number } }).spec?.size ?? 'broken']));

describe('plumb apply with an exec plugin that fails', () => {
  it('a failure in wave 2 leaves wave 3 untouched and reports applied / failed / not attempted', async () => {
    const r = await runCli(['apply', '--repo', repo, '--auto-approve'], { env: { PLUGIN_FAIL_ON: 'item:default/b' } });
    expect([
      r.code,
      r.stdout
        .slice(r.stdout.indexOf('apply failed'))
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('backups:') && !l.startsWith('run ')),
    ]).toEqual([
      1,
      [
        'apply failed in wave 2: 1 applied, 1 failed, 1 not attempted, 0 skipped',
        '  failed: item:default/b (wave 2) — exec:cmdb: the cmdb refused item:default/b',
        '  not attempted: item:default/c (wave 3)',
        '  applied: item:default/a (wave 1)',
      ],
    ]);
    expect(await sizes()).toEqual({ 'item:default/a': 2, 'item:default/b': 'broken', 'item:default/c': 1 });
  });

  it('with --rollback-on-failure --rollback-all, the state afterwards equals the state before, byte for byte', async () => {
    const r = await runCli(['apply', '--repo', repo, '--auto-approve', '--rollback-on-failure', '--rollback-all'], {
      env: { PLUGIN_FAIL_ON: 'item:default/b' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('apply failed and was rolled back in wave 2');
    expect(r.stdout).toMatch(/rolled back wave 2 from \S+: item:default\/b\n {2}rolled back wave 1 from \S+: item:default\/a/);
    expect(await state()).toBe(initialState);
  });

  it('with --rollback-on-failure alone, only the failed wave is restored', async () => {
    const r = await runCli(['apply', '--repo', repo, '--auto-approve', '--rollback-on-failure'], { env: { PLUGIN_FAIL_ON: 'item:default/b' } });
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('rollback wave 2')]);
    expect(await sizes()).toEqual({ 'item:default/a': 2, 'item:default/b': 1, 'item:default/c': 1 });
  });
});

describe('an apply killed mid-wave', () => {
  it('leaves an orphaned lock and an interrupted run that the next apply reports; --break-lock then converges', async () => {
    // 1. an apply that blocks inside wave 2, killed with SIGKILL
    const tsx = import.meta.resolve('tsx');
    const main = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', tsx, main, 'apply', '--repo', repo, '--auto-approve'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1', PLUGIN_BLOCK_ON: 'item:default/b' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const blocked = join(repo, 'blocked.pid');
    while (!existsSync(blocked)) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await exited;
    // the plugin runs in its own process group: end it too
    process.kill(Number(await readFile(blocked, 'utf8')), 'SIGKILL');
    expect(await sizes()).toEqual({ 'item:default/a': 2, 'item:default/b': 1, 'item:default/c': 1 });

    // 2. the next apply refuses: the lock's holder is gone, and the audit log shows the run never finished
    const next = await runCli(['apply', '--repo', repo, '--auto-approve']);
    expect(next.code).toBe(1);
    expect(next.stderr).toMatch(
      /warning: an earlier apply \(run \S+, by \S+ pid \d+, started \S+, plan [0-9a-f]{64}\) never finished; check its targets \(cmdb\) and backups/,
    );
    expect(next.stderr).toMatch(/error: target cmdb has an orphaned lock held by \S+ pid \d+ since \S+ \(apply\): process \d+ on \S+ is gone/);
    expect(next.stderr).toContain('then run again with --break-lock');
    expect(await sizes()).toEqual({ 'item:default/a': 2, 'item:default/b': 1, 'item:default/c': 1 });

    // 3. with --break-lock (reported, never silent) a new plan and apply converge
    const broken = await runCli(['apply', '--repo', repo, '--auto-approve', '--break-lock']);
    expect(broken.code).toBe(0);
    expect(broken.stderr).toMatch(/warning: broke the orphaned lock on target cmdb/);
    expect(await sizes()).toEqual({ 'item:default/a': 2, 'item:default/b': 2, 'item:default/c': 2 });
    expect((await runCli(['plan', '--repo', repo, '--detailed-exitcode'])).code).toBe(0);

    // 4. the interrupted run was acknowledged: it is not reported again
    const again = await runCli(['apply', '--repo', repo, '--auto-approve']);
    expect([again.code, again.stderr]).toEqual([0, '']);
    const audit = (await readFile(join(repo, '.plumb', 'audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit.map((r) => r.event)).toEqual(['apply.started', 'apply.started', 'apply.finished']);
    expect(audit[1]).toMatchObject({ acknowledges: [audit[0].run], brokenLocks: [{ target: 'cmdb' }] });
  }, 240_000); // six CLI runs as child processes: generous on a loaded 2-core machine
});
