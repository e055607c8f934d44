/**
 * Benchmark: `plumb why` — root cause of generated failure sets on a 10,000-CI
 * graph where the true cause is known. Target (issue 16): the true cause ranks
 * first in at least 19 of 20 sets, each analysis under 200 ms.
 *
 *   npx tsx test/bench/why.ts [CIS] [SETS]      (default 10000 20)
 *
 * The graph is test/bench/impact.ts's synthetic estate (clusters with minUp,
 * hosts, databases with redundancy pairs, applications with power-law fan-in,
 * endpoints, business services). A failure set: pick a CI whose outage puts
 * at least 3 others down, simulate it down, and report a random 80% of what
 * went down or degraded as failing (monitoring never sees everything; the cause itself
 * is reported only when it is in the sample — a host that is down cannot say
 * so). Nothing is reported healthy (as offline with `plumb why`).
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { analyzeRootCause, reachedBy } from '../../engine/correlate/root-cause.js';
import { impactIndexOf } from '../../engine/impact/impact-index.js';
import type { CIGraph } from '../../engine/graph/types.js';
import { simulateImpact } from '../../engine/impact/simulate.js';
import { rng } from './generate.js';
import { syntheticGraph } from './impact.js';

/** Share of an outage's CIs reported failing (PLUMB_WHY_SEEN to try others). */
const SEEN = Number(process.env.PLUMB_WHY_SEEN ?? 0.8);

export interface FailureSet {
  readonly cause: string;
  readonly failing: readonly string[];
}

/** `count` failure sets with a known single cause, seeded. */
export function failureSets(graph: CIGraph, count: number, seed = 7, seen = SEEN): FailureSet[] {
  const random = rng(seed);
  const index = impactIndexOf(graph);
  const sets: FailureSet[] = [];
  const used = new Set<number>();
  for (let tries = 0; sets.length < count && tries < 100_000; tries++) {
    const c = Math.floor(random() * index.ids.length);
    if (used.has(c)) continue;
    const down = reachedBy(graph, index, [c]);
    if (down.length < 4) continue;
    used.add(c);
    const failing = down.filter(() => random() < seen).map((v) => index.ids[v]);
    if (failing.length < 2) continue;
    sets.push({ cause: index.ids[c], failing });
  }
  return sets;
}

export interface WhyBenchResult {
  readonly sets: number;
  readonly first: number;
  readonly precision: number;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly cpuMs: number;
  /** Largest CPU time (user + system) of one set, milliseconds: wall time on a loaded machine overstates it. */
  readonly maxCpuMs: number;
  /** Baseline in the same run: median CPU of one forward `plumb impact` simulation of each set's true cause, and why's median CPU over it. */
  readonly baselineCpuMs: number;
  readonly ratio: number;
  readonly misses: readonly { cause: string; got: readonly string[]; failing: number }[];
  readonly rows: readonly { cause: string; failing: number; candidates: number; ms: number; first: boolean }[];
}

export function benchWhy(graph: CIGraph, sets: readonly FailureSet[]): WhyBenchResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  const rows: Array<{ cause: string; failing: number; candidates: number; ms: number; first: boolean }> = [];
  const misses: Array<{ cause: string; got: readonly string[]; failing: number }> = [];
  let cpu = 0;
  let maxCpu = 0;
  const whyCpu: number[] = [];
  const impactCpu: number[] = [];
  for (const s of sets) {
    gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const a = analyzeRootCause(graph, { failing: s.failing });
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
    maxCpu = Math.max(maxCpu, (c.user + c.system) / 1000);
    whyCpu.push((c.user + c.system) / 1000);
    gc?.();
    const b0 = process.cpuUsage();
    simulateImpact(graph, { sources: [s.cause], event: 'down' });
    const b = process.cpuUsage(b0);
    impactCpu.push((b.user + b.system) / 1000);
    const first = a.best.cause.length === 1 && a.best.cause[0] === s.cause;
    if (!first) misses.push({ cause: s.cause, got: a.best.cause, failing: s.failing.length });
    rows.push({ cause: s.cause, failing: s.failing.length, candidates: a.candidates, ms, first });
  }
  const times = rows.map((r) => r.ms).sort((a, b) => a - b);
  const first = rows.filter((r) => r.first).length;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const baselineCpuMs = median(impactCpu);
  return {
    baselineCpuMs,
    ratio: median(whyCpu) / Math.max(baselineCpuMs, 0.001),
    sets: rows.length,
    first,
    precision: first / rows.length,
    medianMs: times[Math.floor(times.length / 2)],
    maxMs: times[times.length - 1],
    cpuMs: cpu / rows.length,
    maxCpuMs: maxCpu,
    misses,
    rows,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = Number(process.argv[2] ?? 10_000);
  const count = Number(process.argv[3] ?? 20);
  const graph = syntheticGraph(size);
  const sets = failureSets(graph, count);
  analyzeRootCause(graph, { failing: sets[0].failing }); // index and upstream index built once per graph
  const r = benchWhy(graph, sets);
  console.log(`graph: ${graph.order} cis, ${graph.size} edges; ${r.sets} failure sets (${Math.round(SEEN * 100)}% of each outage seen)`);
  for (const row of r.rows)
    console.log(`  ${row.first ? 'first' : 'MISS '} ${row.cause}  failing ${row.failing}, candidates ${row.candidates}, ${row.ms.toFixed(1)} ms`);
  for (const m of r.misses) console.log(`  miss: true ${m.cause}, ranked first ${m.got.join(' + ')}`);
  console.log(`true cause first: ${r.first}/${r.sets} (precision ${(r.precision * 100).toFixed(1)}%) (target >= 19/20)`);
  console.log(
    `baseline (same run): one forward impact simulation of the true cause, median ${r.baselineCpuMs.toFixed(2)} ms cpu; why costs ${r.ratio.toFixed(1)}× that (median)`,
  );
  console.log(
    `time: median ${r.medianMs.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms wall, ${r.cpuMs.toFixed(1)} ms cpu per set on average, ${r.maxCpuMs.toFixed(1)} ms at most (target < 200 ms each); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
