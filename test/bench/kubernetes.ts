/**
 * plumb vs kubectl against the same real API server and the same manifests
 * (issue 6): `plumb plan` vs `kubectl diff -f DIR`, and `plumb apply` vs
 * `kubectl apply --server-side -f DIR`. Each tool works in its own copy of the
 * namespaces, so both start from the same state; the drift made before the
 * diff is the same in both, and the answers are compared.
 *
 *   npx tsx test/bench/kubernetes.ts [manifests-per-namespace-scale]
 *
 * plumb runs from dist/ (run `npm run build` first), as a user would run it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCall, binariesPresent, kubectlPath, startControlPlane } from '../cluster/control-plane.js';
import { startFakeRollout } from '../cluster/fake-rollout.js';
import { writeK8sRepo, writeManifestDir, type K8sFixtureOptions } from '../cluster/k8s-fixture.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLUMB = join(ROOT, 'dist/cli/main.js');

/** Runs a command without blocking this process: the stand-in rollout controller runs here meanwhile. */
function timed(cmd: string, args: string[]): Promise<{ ms: number; code: number; stdout: string; stderr: string }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t, code: code ?? 1, stdout, stderr }));
  });
}

async function bestOf3(run: () => Promise<{ ms: number; code: number; stdout: string; stderr: string }>) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await run());
  return best(runs);
}

function best<T extends { ms: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

export async function benchKubernetes(): Promise<void> {
  if (!binariesPresent()) throw new Error('run test/cluster/build.sh first');
  if (!existsSync(PLUMB)) throw new Error('run `npm run build` first: plumb is measured from dist/');
  const cp = await startControlPlane();
  const stopRollout = startFakeRollout(cp);
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
    const n = writeManifestDir(kubectlDir, shape('kb-k'));
    writeK8sRepo(plumbRepo, shape('kb-p'));
    const kubectl = (...args: string[]) => timed(kubectlPath(), ['--kubeconfig', cp.kubeconfig, ...args]);
    const plumb = (...args: string[]) => timed(process.execPath, [PLUMB, ...args, '--repo', plumbRepo, '--kubeconfig', cp.kubeconfig]);

    // 1. apply everything (namespaces first for kubectl, as it has no ordering of its own)
    await kubectl('apply', '--server-side', '-f', join(kubectlDir, 'namespaces.yaml'));
    const kApply = await kubectl('apply', '--server-side', '-R', '-f', kubectlDir);
    if (kApply.code !== 0) throw new Error(`kubectl apply failed: ${kApply.stderr}`);
    const pApply = await plumb('apply', '--auto-approve', '--concurrency', '16');
    if (pApply.code !== 0) throw new Error(`plumb apply failed: ${pApply.stderr}\n${pApply.stdout}`);

    // 2. the same drift in both copies
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

    // 3. diff: three runs each, best of three
    const kDiff = await bestOf3(() => kubectl('diff', '--server-side', '--force-conflicts', '-R', '-f', kubectlDir));
    const pPlan = await bestOf3(() => plumb('plan', '-o', 'json', '--force-conflicts'));
    const kubectlAnswer = [...kDiff.stdout.matchAll(/^diff -u -N \S+\/v1\.ConfigMap\.kb-k-(\w)\.(\S+)/gm)].map((m) => `configmap ${m[1]}/${m[2]}`).sort();
    const plan = JSON.parse(pPlan.stdout);
    const plumbAnswer = (plan.changes as { id: string; action: string }[])
      .filter((c) => c.action !== 'noop')
      .map((c) => c.id.replace(/^configmap:kb-p-(\w)\//, 'configmap $1/'))
      .sort();

    // 4. re-apply (repairs the drift): kubectl apply vs plumb apply
    const kRepair = await kubectl('apply', '--server-side', '--force-conflicts', '-R', '-f', kubectlDir);
    const pRepair = await plumb('apply', '--auto-approve', '--force-conflicts', '--concurrency', '16');

    const row = (what: string, k: number, p: number) =>
      `${what.padEnd(34)} kubectl ${(k / 1000).toFixed(2).padStart(6)} s   plumb ${(p / 1000).toFixed(2).padStart(6)} s   kubectl/plumb ${(k / p).toFixed(2)}×`;
    console.log(
      `kubernetes: ${n} manifests in 4 namespaces, API server v1.36.3 on loopback, kubectl ${execFileSync(kubectlPath(), ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).match(/"gitVersion":\s*"([^"]+)"/)?.[1]}`,
    );
    console.log(row('first apply (everything created)', kApply.ms, pApply.ms));
    console.log(row('diff with 6 drifted (best of 3)', kDiff.ms, pPlan.ms));
    console.log(row('apply repairing the drift', kRepair.ms, pRepair.ms));
    console.log(
      `same answers: ${JSON.stringify(kubectlAnswer) === JSON.stringify(plumbAnswer) ? 'yes' : 'NO'} (kubectl ${kubectlAnswer.length}, plumb ${plumbAnswer.length}, expected ${drifted.length})`,
    );
    console.log('plumb apply includes what kubectl does not: a backup of every object it touches, a lock, the audit log, and health checks after each wave.');
  } finally {
    await stopRollout();
    await cp.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await benchKubernetes();
