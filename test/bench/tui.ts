/**
 * Benchmark of `plumb tui` (issue 8), standalone:
 *
 *   npx tsx test/bench/tui.ts [CIs]        (default 10000)
 *
 * A synthetic inventory (test/bench/generate.ts) with every CI drifted, so
 * the plan has thousands of changes, is planned once through the TUI's own
 * engine session. Then the TUI is rendered into ink-testing-library's fake
 * stdout at 120×40 with that plan already made, and we measure:
 *  - open: from render() until the first frame that shows the plan (target < 2 s);
 *  - key → frame: for a series of keys (moves, pages, jumps, filter, impact,
 *    detail pane), from writing the key to the next frame (target < 100 ms),
 *    wall time and this process's CPU time; the pass is run twice and the
 *    second (warm) one is judged, at its 90th percentile of CPU time (wall
 *    time is printed too, with the load average: on a busy shared machine it
 *    measures the other processes as much as the TUI).
 * Also: the plan with and without `documents` (each CI's redacted desired and
 * observed document, what the CI browser and the YAML view show), as the CPU
 * time of each in the same run and their ratio, and the documents' size.
 * React runs in production mode, as `plumb tui` runs it.
 * The list is virtualised (only visible rows are drawn), so neither depends
 * on the number of changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TuiSession } from '../../tui/engine-session.js';
import { generateInventory } from './generate.js';

// as cli/actions/tui.ts does: React's production build, chosen before React loads
process.env.NODE_ENV ??= 'production';
const { createElement } = await import('react');
const { render } = await import('ink-testing-library');
const { App } = await import('../../tui/App.js');
const { createEngineSession } = await import('../../tui/engine-session.js');
const { plan: planOp } = await import('../../engine/index.js');

const cis = Number(process.argv[2] ?? 10_000);
const root = mkdtempSync(join(tmpdir(), 'plumb-bench-tui-'));
try {
  const generated = generateInventory(root, { cis, drift: 1 });
  const real = createEngineSession({ repo: root, now: () => new Date('2026-11-25T12:00:00Z') });
  let t = performance.now();
  const snapshot = await real.plan();
  const planSeconds = (performance.now() - t) / 1000;
  if (!snapshot.plan)
    throw new Error(
      `no plan: ${snapshot.diagnostics
        .slice(0, 3)
        .map((d) => d.message)
        .join('; ')}`,
    );
  const changes = snapshot.plan.changes.filter((c) => c.action !== 'noop').length;
  // what the documents cost the plan: CPU time of each, in the same run (the first plan above warmed both paths)
  const cpuOf = async (documents: boolean) => {
    const cpu = process.cpuUsage();
    const result = await planOp({ repo: root, now: new Date('2026-11-25T12:00:00Z'), documents });
    const used = process.cpuUsage(cpu);
    return { ms: (used.user + used.system) / 1000, result };
  };
  // alternated, two rounds each, the least CPU of each kept (GC and JIT land on either)
  const rounds = [await cpuOf(false), await cpuOf(true), await cpuOf(false), await cpuOf(true)];
  const least = (docs: boolean) => rounds.filter((r) => (r.result.documents !== undefined) === docs).sort((a, b) => a.ms - b.ms)[0];
  const without = least(false);
  const withDocs = least(true);
  const documentsBytes = JSON.stringify(withDocs.result.documents ?? []).length;
  // the plan is ready: the TUI gets it at once
  const ready: TuiSession = { ...real, plan: async () => snapshot };

  t = performance.now();
  const app = render(createElement(App, { session: ready, size: { columns: 120, rows: 40 }, color: false, animate: false }));
  await until(() => (app.lastFrame() ?? '').includes(`${changes} changes`));
  const openMs = performance.now() - t;

  const keys: [string, string][] = [
    ['j', 'down'],
    ['j', 'down'],
    ['k', 'up'],
    ['\u001B[6~', 'page down'],
    ['\u001B[6~', 'page down'],
    ['G', 'last'],
    ['g', 'first'],
    ['\t', 'detail pane'],
    ['\t', 'list pane'],
    ['/', 'filter'],
    ['u', 'type'],
    ['p', 'type'],
    ['\r', 'keep filter'],
    ['/', 'filter'],
    ['\u001B', 'clear filter'],
    ['i', 'impact explorer'],
    ['\r', 'collapse section'],
    ['\r', 'expand section'],
    ['j', 'tree down'],
    ['d', 'what if down'],
    ['\u001B', 'back'],
    [' ', 'select'],
    ['?', 'help'],
    ['?', 'close help'],
    // the CI browser (every CI, unchanged ones included), its sort, filter and YAML view
    [':', 'command bar'],
    ['c', 'type'],
    ['i', 'type'],
    ['\r', ':ci'],
    ['j', 'ci down'],
    ['\u001B[6~', 'ci page down'],
    ['s', 'sort kind'],
    ['s', 'sort state'],
    ['s', 'sort impact'],
    ['s', 'sort id'],
    ['/', 'ci filter'],
    ['s', 'type'],
    ['\r', 'keep filter'],
    ['y', 'yaml view'],
    ['\u001B', 'back'],
    ['/', 'ci filter'],
    ['\u001B', 'clear filter'],
    [':', 'command bar'],
    ['p', 'type'],
    ['\r', ':plan'],
  ];
  // the first pass meets every code path cold (V8 compiles lazily); the second is the steady state
  const cold = await pressAll(app, keys);
  const latencies = await pressAll(app, keys);
  app.unmount();
  await real.close();

  const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  console.log(`plumb tui benchmark: ${generated.cis} CIs, ${changes} changes (plan ${planSeconds.toFixed(2)} s, not part of the TUI targets)`);
  console.log(
    `  plan CPU (least of 2) without documents ${without.ms.toFixed(0)} ms, with ${withDocs.ms.toFixed(0)} ms: ratio ${(withDocs.ms / without.ms).toFixed(2)}; ${withDocs.result.documents?.length ?? 0} documents, ${(documentsBytes / 1e6).toFixed(1)} MB as JSON`,
  );
  console.log(`  open after the plan is ready: ${openMs.toFixed(0)} ms (target < 2000 ms)`);
  const coldMax = Math.max(...cold.map((l) => l.ms));
  console.log(`  key → frame, first pass (cold code paths): max ${coldMax.toFixed(1)} ms`);
  console.log(
    `  key → frame over ${latencies.length} keys: median ${p(0.5).toFixed(1)} ms, p90 ${p(0.9).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (target < 100 ms)`,
  );
  const cpuSorted = latencies.map((l) => l.cpuMs).sort((a, b) => a - b);
  console.log(
    `  CPU per key (independent of machine load): median ${cpuSorted[Math.floor(cpuSorted.length / 2)].toFixed(1)} ms, max ${cpuSorted.at(-1)!.toFixed(1)} ms`,
  );
  for (const l of latencies) console.log(`    ${l.key.padEnd(16)} ${l.ms.toFixed(1).padStart(6)} ms wall ${l.cpuMs.toFixed(1).padStart(6)} ms cpu`);
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} CPUs (wall times suffer when it exceeds the CPUs)`,
  );
  console.log(`  peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  // judged on CPU time: on a shared machine the wall time measures the other processes too
  const cpuP90 = cpuSorted[Math.min(cpuSorted.length - 1, Math.floor(0.9 * cpuSorted.length))];
  const ok = openMs < 2000 && cpuP90 < 100;
  const wallOk = p(0.9) < 100;
  console.log(ok ? `  within targets (CPU p90 ${cpuP90.toFixed(1)} ms${wallOk ? '' : '; wall p90 above 100 ms: the machine is busy'})` : '  OUTSIDE TARGETS');
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}

/**
 * Wall time from key to frame, and the CPU time this process spent on it —
 * the figure that does not depend on what else the machine is running.
 */
async function pressAll(
  app: { frames: string[]; stdin: { write(s: string): void } },
  keys: readonly (readonly [string, string])[],
): Promise<{ key: string; ms: number; cpuMs: number }[]> {
  const out: { key: string; ms: number; cpuMs: number }[] = [];
  for (const [key, label] of keys) {
    const frames = app.frames.length;
    const start = performance.now();
    const cpu = process.cpuUsage();
    app.stdin.write(key);
    await until(() => app.frames.length > frames, 5_000, label);
    const used = process.cpuUsage(cpu);
    out.push({ key: label, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 });
    await new Promise((r) => setTimeout(r, 5));
  }
  return out;
}

async function until(ok: () => boolean, timeoutMs = 60_000, what = 'the first frame'): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`timed out waiting for a frame after: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
