/**
 * plumb vs kubectl against the same real API server and the same 500 manifests
 * (issues 6 and 18), each tool in its own copy of the namespaces, so both start
 * from the same state:
 *
 * - first apply: `plumb apply` (backups, waves, health waits, audit) vs
 *   `kubectl apply --server-side`; the goal is plumb ≤ kubectl + the time of the
 *   backups plumb takes (from its progress lines: each wave's start to its
 *   backup line); also given without plumb's health waits (each wave's last
 *   change to its health line), which kubectl does not have;
 * - steady state (nothing changed): `plumb plan` with a warm dry-run cache vs
 *   `kubectl diff --server-side`; goal ≥ 5×; plumb without the cache for reference;
 * - diff with the same 6 objects drifted in both, and the apply that repairs it.
 *
 * Wall time (best of 3 where repeated), CPU time of the tool's process
 * (user + sys, /usr/bin/time), ratios against kubectl in the same run, and the
 * load average (the machine is shared). The same answers are asserted by
 * test/cluster/kubernetes-dry-run-cache.test.ts (counted requests, uncached
 * plan equal); here they are compared and printed.
 *
 *   npm run bench -- kubernetes      (or: npm run build && npx tsx test/bench/kubernetes.ts [--before DIR])
 *
 * `--before DIR` (a checkout of another commit, built): its first apply (on a third copy of the
 * namespaces, right after this build's) and its steady-state plan are measured in the same run.
 *
 * plumb runs from dist/, as a user would run it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCall, binariesPresent, kubectlPath, startControlPlane } from '../cluster/control-plane.js';
import { startFakeRollout } from '../cluster/fake-rollout.js';
import { writeK8sRepo, writeManifestDir, type K8sFixtureOptions } from '../cluster/k8s-fixture.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLUMB = join(ROOT, 'dist/bundle/plumb.js'); // the package's bin
const beforeAt = process.argv.indexOf('--before');
/** `--before DIR`: another build's bin (an older commit's checkout, built), whose first apply and steady-state plan are measured in the same run. */
const BEFORE = beforeAt > 0 ? join(process.argv[beforeAt + 1], 'dist/bundle/plumb.js') : undefined;

interface Run {
  ms: number;
  /** user + sys CPU seconds of the command's process tree */
  cpu: number;
  code: number;
  stdout: string;
  stderr: string;
  /** stderr lines with the ms since start each arrived at */
  lines: { ms: number; text: string }[];
}

/** Runs a command under /usr/bin/time without blocking this process: the stand-in rollout controller runs here meanwhile. */
function timed(cmd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'BENCH_CPU %U %S', cmd, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines: Run['lines'] = [];
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const parts = (partial + d).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) lines.push({ ms: performance.now() - t, text });
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /BENCH_CPU ([\d.]+) ([\d.]+)/.exec(stderr);
      resolve({
        ms: performance.now() - t,
        cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN,
        code: code ?? 1,
        stdout,
        stderr: stderr.replace(/BENCH_CPU.*\n?/, ''),
        lines,
      });
    });
  });
}

async function bestOf3(run: () => Promise<Run>): Promise<Run> {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await run());
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

/** The time plumb apply spent backing up: per wave, from its `wave N` line to its `backup …` line. */
function backupMs(run: Run): number {
  let total = 0;
  let waveAt: number | undefined;
  for (const l of run.lines) {
    if (/^wave \d+/.test(l.text)) waveAt = l.ms;
    else if (/^\s+backup /.test(l.text) && waveAt !== undefined) {
      total += l.ms - waveAt;
      waveAt = undefined;
    }
  }
  return total;
}

/**
 * The time plumb apply spent waiting on health: per wave, from the last change's
 * `✓`/`✗` line to its `✓ health (N)` line (kubectl apply does not wait at all;
 * the Deployments' wait is the stand-in rollout controller's, 5 at a time).
 */
function healthMs(run: Run): number {
  let total = 0;
  let lastChange: number | undefined;
  for (const l of run.lines) {
    if (/^wave \d+/.test(l.text)) lastChange = undefined;
    else if (/^\s+[✓✗] health/.test(l.text) && lastChange !== undefined) {
      total += l.ms - lastChange;
      lastChange = undefined;
    } else if (/^\s+[✓✗] (create|update|delete|replace) /.test(l.text)) lastChange = l.ms;
  }
  return total;
}

export async function benchKubernetes(): Promise<void> {
  if (!binariesPresent()) throw new Error('run test/cluster/build.sh first');
  if (!existsSync(PLUMB)) throw new Error('run `npm run build` first: plumb is measured from dist/');
  const loadBefore = loadavg();
  const cp = await startControlPlane();
  // kube-controller-manager's deployment controller syncs 5 at once (--concurrent-deployment-syncs)
  const stopRollout = startFakeRollout(cp, { namespaces: 'all', workers: 5 });
  const work = mkdtempSync(join(tmpdir(), 'plumb-bench-k8s-'));
  const shape = (prefix: string): K8sFixtureOptions => ({
    namespaces: ['a', 'b', 'c', 'd'].map((n) => `${prefix}-${n}`),
    configMaps: 50,
    secrets: 12,
    deployments: 31,
  });
  try {
    const kubectlDir = join(work, 'kubectl');
    const plumbRepo = join(work, 'plumb');
    const cacheDir = join(work, 'cache');
    const n = writeManifestDir(kubectlDir, shape('kb-k'));
    writeK8sRepo(plumbRepo, shape('kb-p'));
    const kubectl = (...args: string[]) => timed(kubectlPath(), ['--kubeconfig', cp.kubeconfig, ...args]);
    const plumbWith = (env: Record<string, string | undefined>, ...args: string[]) =>
      timed(process.execPath, [PLUMB, ...args, '--repo', plumbRepo, '--kubeconfig', cp.kubeconfig], env);
    const plumb = (...args: string[]) => plumbWith({ PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE: 'on' }, ...args);

    // 1. first apply (namespaces first for kubectl, as it has no ordering of its own; counted in its time)
    const kNs = await kubectl('apply', '--server-side', '-f', join(kubectlDir, 'namespaces.yaml'));
    const kApplyAll = await kubectl('apply', '--server-side', '-R', '-f', kubectlDir);
    if (kApplyAll.code !== 0) throw new Error(`kubectl apply failed: ${kApplyAll.stderr}`);
    const kApply = { ...kApplyAll, ms: kNs.ms + kApplyAll.ms, cpu: kNs.cpu + kApplyAll.cpu };
    const pApply = await plumb('apply', '--auto-approve', '--concurrency', '16');
    if (pApply.code !== 0) throw new Error(`plumb apply failed: ${pApply.stderr}\n${pApply.stdout}`);
    const backups = backupMs(pApply);
    const waits = healthMs(pApply);
    // the --before build's first apply, on its own copy of the namespaces, right after this one's
    let bApply: Run | undefined;
    if (BEFORE) {
      const beforeRepo = join(work, 'before');
      writeK8sRepo(beforeRepo, shape('kb-b'));
      bApply = await timed(process.execPath, [BEFORE, 'apply', '--auto-approve', '--concurrency', '16', '--repo', beforeRepo, '--kubeconfig', cp.kubeconfig], {
        PLUMB_CACHE_DIR: join(work, 'cache-before'),
        PLUMB_CACHE: 'on',
      });
      if (bApply.code !== 0) throw new Error(`the --before build's apply failed: ${bApply.stderr}`);
    }

    // 2. steady state: nothing changed since the apply
    await plumb('plan', '-o', 'json'); // the first plan after an apply asks the server and keeps the answers
    const kSteady = await bestOf3(() => kubectl('diff', '--server-side', '-R', '-f', kubectlDir));
    const pSteady = await bestOf3(() => plumb('plan', '-o', 'json'));
    const pCold = await bestOf3(() => plumbWith({ PLUMB_CACHE: 'off' }, 'plan', '-o', 'json'));
    let pBefore: Run | undefined;
    if (BEFORE) {
      const before = (...args: string[]) =>
        timed(process.execPath, [BEFORE, ...args, '--repo', plumbRepo, '--kubeconfig', cp.kubeconfig], { PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE: 'on' });
      await before('plan', '-o', 'json'); // its own cache entries (another code stamp)
      pBefore = await bestOf3(() => before('plan', '-o', 'json'));
    }
    const steadyK = kSteady.stdout.trim() === '' && kSteady.code === 0;
    const steadyP = (JSON.parse(pSteady.stdout).changes as { action: string }[]).every((c) => c.action === 'noop');

    // 3. the same drift in both copies
    const drifted: string[] = [];
    for (const ns of ['a', 'c']) {
      for (const i of [1, 7, 13]) {
        for (const prefix of ['kb-k', 'kb-p']) {
          await apiCall(
            cp,
            cp.adminToken,
            'PATCH',
            `/api/v1/namespaces/${prefix}-${ns}/configmaps/cm-${i}`,
            { data: { LOG_LEVEL: 'debug' } },
            'application/merge-patch+json',
          );
        }
        drifted.push(`configmap ${ns}/cm-${i}`);
      }
    }

    // 4. diff: three runs each, best of three
    const kDiff = await bestOf3(() => kubectl('diff', '--server-side', '--force-conflicts', '-R', '-f', kubectlDir));
    const pPlan = await bestOf3(() => plumb('plan', '-o', 'json', '--force-conflicts'));
    const kubectlAnswer = [...kDiff.stdout.matchAll(/^diff -u -N \S+\/v1\.ConfigMap\.kb-k-(\w)\.(\S+)/gm)].map((m) => `configmap ${m[1]}/${m[2]}`).sort();
    const plan = JSON.parse(pPlan.stdout);
    const plumbAnswer = (plan.changes as { id: string; action: string }[])
      .filter((c) => c.action !== 'noop')
      .map((c) => c.id.replace(/^configmap:kb-p-(\w)\//, 'configmap $1/'))
      .sort();

    // 5. re-apply (repairs the drift): kubectl apply vs plumb apply
    const kRepair = await kubectl('apply', '--server-side', '--force-conflicts', '-R', '-f', kubectlDir);
    const pRepair = await plumb('apply', '--auto-approve', '--force-conflicts', '--concurrency', '16');

    const s = (ms: number) => `${(ms / 1000).toFixed(2).padStart(6)} s`;
    const row = (what: string, k: Run, p: Run) =>
      `${what.padEnd(40)} kubectl ${s(k.ms)} (cpu ${k.cpu.toFixed(2)} s)   plumb ${s(p.ms)} (cpu ${p.cpu.toFixed(2)} s)   kubectl/plumb ${(k.ms / p.ms).toFixed(2)}× wall, ${(k.cpu / p.cpu).toFixed(2)}× cpu`;
    console.log(
      `kubernetes: ${n} manifests in 4 namespaces, API server v1.36.3 on loopback, kubectl ${execFileSync(kubectlPath(), ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).match(/"gitVersion":\s*"([^"]+)"/)?.[1]}`,
    );
    console.log(row('first apply (everything created)', kApply, pApply));
    console.log(
      `  plumb's backups took ${s(backups)}; kubectl + backups ${s(kApply.ms + backups)} vs plumb ${s(pApply.ms)}: ${pApply.ms <= kApply.ms + backups ? 'met' : 'NOT met'} (plumb/(kubectl+backups) ${(pApply.ms / (kApply.ms + backups)).toFixed(2)})`,
    );
    const unwaited = pApply.ms - waits;
    console.log(
      `  plumb's health waits took ${s(waits)}; without them plumb ${s(unwaited)} vs kubectl + backups ${s(kApply.ms + backups)}: ${unwaited <= kApply.ms + backups ? 'met' : 'NOT met'} (${(unwaited / (kApply.ms + backups)).toFixed(2)}); the waits stay (a wave starts once the one before is healthy)`,
    );
    if (bApply) {
      const bBackups = backupMs(bApply);
      const bWaits = healthMs(bApply);
      console.log(row(`  the --before build's first apply`, kApply, bApply));
      console.log(
        `    its backups ${s(bBackups)}, health waits ${s(bWaits)}: plumb/(kubectl+its backups) ${(bApply.ms / (kApply.ms + bBackups)).toFixed(2)}; this build's first apply / the --before build's: ${(pApply.ms / bApply.ms).toFixed(2)} wall, ${(pApply.cpu / bApply.cpu).toFixed(2)} cpu`,
      );
    }
    console.log(row('steady-state plan, nothing changed (best of 3)', kSteady, pSteady));
    console.log(
      `  goal ≥ 5× wall: ${kSteady.ms / pSteady.ms >= 5 ? 'met' : 'NOT met'}; same answer (no change): kubectl ${steadyK ? 'yes' : 'NO'}, plumb ${steadyP ? 'yes' : 'NO'}`,
    );
    console.log(row('  the same plan without the cache', kSteady, pCold));
    if (pBefore) console.log(row(`  the --before build's plan`, kSteady, pBefore));
    console.log(row('diff with 6 drifted (best of 3)', kDiff, pPlan));
    console.log(row('apply repairing the drift', kRepair, pRepair));
    console.log(
      `same answers: ${JSON.stringify(kubectlAnswer) === JSON.stringify(plumbAnswer) ? 'yes' : 'NO'} (kubectl ${kubectlAnswer.length}, plumb ${plumbAnswer.length}, expected ${drifted.length})`,
    );
    const loadAfter = loadavg();
    console.log(
      `load average before ${loadBefore.map((l) => l.toFixed(1)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(1)).join(' ')} (2 cores, shared)`,
    );
    console.log('plumb apply includes what kubectl does not: a backup of every object it touches, a lock, the audit log, and health checks after each wave.');
  } finally {
    await stopRollout();
    await cp.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await benchKubernetes();
