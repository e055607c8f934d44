/**
 * Benchmark of the reconciliation loop (not a test): a 10k-CI synthetic
 * inventory with 1% drift, reconciled against the snapshot provider by the
 * same Reconciler the controller runs, on an interval, for a while.
 *
 *   npx tsx test/bench/controller.ts [--minutes 10] [--interval 10s] [--cis 10000]
 *
 * Prints the cold reconcile (fetch + load + validate + plan), steady-state
 * reconcile time p50/p95 (the revision is cached: discover + diff + plan),
 * CPU seconds per minute of wall time, and RSS over time. The sync policy is
 * the default (manual): drift is planned and reported every round, never
 * applied, so every round does the same work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createControllerMetrics } from '../../engine/metrics/controller-metrics.js';
import { Reconciler } from '../../engine/reconcile/reconciler.js';
import { createLocalPathSource } from '../../engine/sources/local-path-source.js';
import { generateInventory } from './generate.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const minutes = Number(arg('minutes', '10'));
const intervalMs = Number(arg('interval', '10s').replace(/s$/, '')) * 1000;
const cis = Number(arg('cis', '10000'));

const root = mkdtempSync(join(tmpdir(), 'plumb-bench-controller-'));
try {
  const inv = generateInventory(root, { cis, drift: 0.01, git: true });
  console.log(`inventory: ${inv.cis} CIs in ${inv.files} files (${(inv.bytes / 1e6).toFixed(1)} MB), drift ${JSON.stringify(inv.drift)}`);
  const reconciler = new Reconciler({
    source: createLocalPathSource({ path: root }),
    identity: 'bench',
    isLeader: () => true,
    metrics: createControllerMetrics({ defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
  });
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  let t = performance.now();
  const cold = await reconciler.reconcile('start');
  console.log(
    `cold reconcile: ${((performance.now() - t) / 1000).toFixed(2)} s (${cold.result}), plan ${JSON.stringify(reconciler.status.plan?.summary)}, rss ${mb(process.memoryUsage().rss)}`,
  );

  const durations: number[] = [];
  const rss: string[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const end = wall0 + minutes * 60_000;
  let nextSample = wall0;
  while (performance.now() < end) {
    t = performance.now();
    const outcome = await reconciler.reconcile('interval');
    durations.push(performance.now() - t);
    if (outcome.result !== 'succeeded') console.log(`reconcile ${outcome.result}: ${'error' in outcome ? outcome.error.message : ''}`);
    if (performance.now() >= nextSample) {
      rss.push(`${((performance.now() - wall0) / 60_000).toFixed(1)} min: ${mb(process.memoryUsage().rss)}`);
      nextSample += 60_000;
    }
    const wait = Math.max(0, t + intervalMs - performance.now());
    await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(0, end - performance.now()))));
  }
  const cpu = process.cpuUsage(cpu0);
  const wallMin = (performance.now() - wall0) / 60_000;
  durations.sort((a, b) => a - b);
  const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] ?? NaN;
  console.log(`steady state: ${durations.length} reconciles every ${intervalMs / 1000} s over ${wallMin.toFixed(1)} min`);
  console.log(`reconcile time p50 ${(pct(0.5) / 1000).toFixed(2)} s, p95 ${(pct(0.95) / 1000).toFixed(2)} s`);
  console.log(`cpu: ${((cpu.user + cpu.system) / 1e6 / wallMin).toFixed(1)} cpu-seconds per minute`);
  console.log(`rss over time:\n  ${rss.join('\n  ')}\n  end: ${mb(process.memoryUsage().rss)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
