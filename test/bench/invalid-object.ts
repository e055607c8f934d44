/**
 * One invalid object among 10 (issue 12): a ConfigMap whose `data` holds a
 * number. Against the real API server, server-side apply answers such an object
 * with a 500 ("failed to create typed patch object"), which the client used to
 * retry for seconds. Measured two ways, each against the same plan without it:
 *
 * 1. the provider's diff (the server-side-apply dry runs a plan makes) of the
 *    10 objects — the server path, now answered once and not retried;
 * 2. `plumb plan` from dist/ — which now refuses the object offline, at its
 *    line, before any cluster is asked.
 *
 * Target: each ratio ≤ 1.2. Prints best-of-5 wall times, the ratios, the CPU
 * time of this process and the load average.
 *
 *   npx tsx test/bench/invalid-object.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CI } from '../../engine/model/ci.js';
import { createKubernetesProvider } from '../../engine/providers/kubernetes/kubernetes-provider.js';
import { binariesPresent, kubectlPath, startControlPlane } from '../cluster/control-plane.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLUMB = join(ROOT, 'dist/cli/main.js');
const NS = 'bench-invalid';

function configMap(i: number, invalid: boolean): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: NS }, data: { LOG_LEVEL: invalid ? 3 : 'info' } };
}

function asCi(object: Record<string, any>): CI {
  const m = object.metadata;
  return {
    id: `configmap:${NS}/${m.name}`,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: m.name,
    namespace: NS,
    labels: {},
    annotations: {},
    relations: [],
    kubernetes: true,
    object,
    origin: { file: 'inventory/cms.yaml', doc: 0, line: 1, column: 1 },
  };
}

function writeRepo(dir: string, invalid: boolean): void {
  mkdirSync(join(dir, 'inventory'), { recursive: true });
  writeFileSync(join(dir, 'plumb.yaml'), 'inventory: ["inventory/**/*.yaml"]\ntargets:\n  live: {provider: kubernetes}\n');
  const docs = Array.from({ length: 10 }, (_, i) => JSON.stringify(configMap(i, invalid && i === 9)));
  writeFileSync(join(dir, 'inventory/cms.yaml'), docs.join('\n---\n') + '\n');
}

async function best(n: number, run: () => Promise<void> | void): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function main(): Promise<void> {
  if (!binariesPresent()) throw new Error('run test/cluster/build.sh first');
  if (!existsSync(PLUMB)) throw new Error('run `npm run build` first: plumb is measured from dist/');
  const cpu0 = process.cpuUsage();
  const cp = await startControlPlane();
  const work = mkdtempSync(join(tmpdir(), 'plumb-bench-invalid-'));
  try {
    spawnSync(kubectlPath(), ['--kubeconfig', cp.kubeconfig, 'create', 'namespace', NS]);
    const valid = Array.from({ length: 10 }, (_, i) => asCi(configMap(i, false)));
    const withInvalid = valid.map((ci, i) => (i === 9 ? asCi(configMap(i, true)) : ci));

    // 1. the server path: ten dry runs, one of them refused with a 500
    const provider = createKubernetesProvider({ kubeconfig: cp.kubeconfig });
    const signal = new AbortController().signal;
    const diffAll = async (cis: CI[]) => Promise.all(cis.map((ci) => provider.diff({ desired: ci }, signal)));
    const refused = (await diffAll(withInvalid)).flatMap((a) => a.diagnostics);
    const requestsBefore = provider.client.stats.requests;
    await diffAll(withInvalid);
    const requestsPerInvalidRun = provider.client.stats.requests - requestsBefore;
    const tValid = await best(5, () => diffAll(valid).then(() => undefined));
    const tInvalid = await best(5, () => diffAll(withInvalid).then(() => undefined));
    await provider.close();

    // 2. the command: plumb plan of the repository with and without the invalid object
    const okRepo = join(work, 'ok');
    const badRepo = join(work, 'bad');
    writeRepo(okRepo, false);
    writeRepo(badRepo, true);
    const plan = (repo: string) =>
      spawnSync(process.execPath, [PLUMB, 'plan', '--repo', repo, '--kubeconfig', cp.kubeconfig], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const bad = plan(badRepo);
    const pValid = await best(5, () => void plan(okRepo));
    const pInvalid = await best(5, () => void plan(badRepo));

    const cpu = process.cpuUsage(cpu0);
    console.log(
      `server path (10 dry runs): valid ${tValid.toFixed(0)} ms, one invalid ${tInvalid.toFixed(0)} ms, ratio ${(tInvalid / tValid).toFixed(2)} (target ≤ 1.2); ${requestsPerInvalidRun} requests per run (no retries)`,
    );
    console.log(`  the refusal: ${refused.map((d) => `${d.code} ${d.fields?.join(',') ?? ''}`).join('; ')}`);
    console.log(
      `plumb plan: valid ${pValid.toFixed(0)} ms, one invalid ${pInvalid.toFixed(0)} ms (exit ${bad.status}, refused offline: ${bad.stdout.includes('k8s.type-invalid') || bad.stderr.includes('k8s.type-invalid')}), ratio ${(pInvalid / pValid).toFixed(2)} (target ≤ 1.2)`,
    );
    console.log(
      `CPU (this process) ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await cp.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
