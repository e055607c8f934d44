/**
 * Benchmark: the example's inventory-scope policies (every prod CI has an owner;
 * every prod Database is backedUpBy a BackupPolicy) over N synthetic CIs.
 * Target: under 2 s for 100,000 CIs.
 *
 *   npx tsx test/bench/policy.ts [N]
 *
 * or call `benchPolicies({ n })` from the bench runner.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evaluatePolicies } from '../../engine/policy/evaluate.js';
import { loadPolicies } from '../../engine/policy/load-policies.js';
import { ci } from '../helpers/make-repo.js';
import { graphOf, yamlDocs } from '../engine/policy/helpers.js';
import type { CI } from '../../engine/model/ci.js';

export interface PolicyBenchResult {
  readonly cis: number;
  readonly policies: number;
  readonly buildMs: number;
  readonly loadMs: number;
  /** First evaluation: includes converting each CI document once. */
  readonly evaluateMs: number;
  /** Second evaluation over the same CIs (converted documents cached). */
  readonly evaluateAgainMs: number;
  /** CPU time of the first evaluation (user + system): steadier than wall time on a busy machine. */
  readonly evaluateCpuMs: number;
  readonly results: number;
  readonly heapMB: number;
}

/** Synthetic inventory: 1 BackupPolicy and 1 Host per 100 CIs, 20% Databases, half of everything prod, 1 in 10 without an owner or a backup. */
export function syntheticCIs(n: number): CI[] {
  const cis: CI[] = [];
  const hosts = Math.max(1, Math.floor(n / 100));
  for (let i = 0; i < hosts && cis.length < n; i++) {
    cis.push(ci({ kind: 'Host', name: `host-${i}`, namespace: 'infra', labels: { env: i % 2 ? 'prod' : 'dev' }, owner: 'group:ops' }));
    if (cis.length < n) cis.push(ci({ kind: 'BackupPolicy', name: `backup-${i}`, namespace: 'infra', owner: 'group:ops' }));
  }
  for (let i = 0; cis.length < n; i++) {
    const database = i % 5 === 0;
    const namespace = `ns-${i % 50}`;
    const relations = [{ type: 'runsOn', target: `host:infra/host-${i % hosts}` }];
    if (database && i % 10 !== 0) relations.push({ type: 'backedUpBy', target: `backuppolicy:infra/backup-${i % hosts}` });
    cis.push(
      ci({
        kind: database ? 'Database' : 'Application',
        name: `ci-${i}`,
        namespace,
        labels: { env: i % 2 ? 'prod' : 'dev', tier: String(i % 3) },
        ...(i % 10 === 3 ? {} : { owner: `group:team-${i % 20}` }),
        spec: database ? { engine: 'postgres', version: '16', storageGb: 100 } : { replicas: i % 4, image: `registry/app-${i}:1.0` },
        relations,
      }),
    );
  }
  return cis;
}

export function benchPolicies({ n = 100_000 }: { n?: number } = {}): PolicyBenchResult {
  const here = dirname(fileURLToPath(import.meta.url));
  const text = readFileSync(join(here, '../fixtures/policy-example/policies/policies.yaml'), 'utf8');

  let t = performance.now();
  const cis = syntheticCIs(n);
  const graph = graphOf(cis);
  const buildMs = performance.now() - t;

  t = performance.now();
  const repo = yamlDocs({ 'policies/policies.yaml': text });
  const { policies } = loadPolicies(repo.docs, repo.locate);
  const loadMs = performance.now() - t;
  const inventory = policies.filter((p) => p.scope === 'inventory');

  collectGarbage();
  t = performance.now();
  const cpu = process.cpuUsage();
  const first = evaluatePolicies({ policies: inventory, scope: 'inventory', graph, now: new Date() });
  const evaluateMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const evaluateCpuMs = (used.user + used.system) / 1000;

  collectGarbage();
  t = performance.now();
  evaluatePolicies({ policies: inventory, scope: 'inventory', graph, now: new Date() });
  const evaluateAgainMs = performance.now() - t;

  return {
    cis: n,
    policies: inventory.length,
    buildMs: round(buildMs),
    loadMs: round(loadMs),
    evaluateMs: round(evaluateMs),
    evaluateAgainMs: round(evaluateAgainMs),
    evaluateCpuMs: round(evaluateCpuMs),
    results: first.results.length,
    heapMB: round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

/** With `node --expose-gc`, start each timed phase without the previous phase's garbage. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 100_000);
  const r = benchPolicies({ n });
  console.log(`policy evaluation, inventory scope: ${r.policies} policies × ${r.cis} CIs`);
  console.log(`  synthetic graph  ${r.buildMs} ms`);
  console.log(`  load + compile   ${r.loadMs} ms`);
  console.log(`  evaluate         ${r.evaluateMs} ms  (cpu ${r.evaluateCpuMs} ms; ${r.results} results; target < 2000 ms)`);
  console.log(`  evaluate again   ${r.evaluateAgainMs} ms`);
  console.log(`  heap             ${r.heapMB} MB`);
}
