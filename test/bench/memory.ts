/**
 * `npm run bench -- memory`: where a plan's memory goes, stage by stage, in
 * one process (issue 18's peak RSS goal: ≤ 600 MiB for a 100k plan).
 *
 *   node --expose-gc --import tsx test/bench/memory.ts [CIs…]     (default 100000)
 *
 * For the generated repository (test/bench/generate.ts, 1% drift, snapshot
 * target) with the content cache off, then cold (empty), then warm, runs the
 * plan's stages as runPlan does — load, validate, discover, plan — and prints
 * after each: the CPU seconds of the stage, the V8 heap in use, external
 * memory (ArrayBuffers: cache buckets, file buffers), the RSS and its high-water
 * mark, then what stays live after a forced full GC (so the live set a stage
 * adds, apart from its garbage). Forcing GCs changes when V8 collects, so the
 * high-water mark here is not the CLI's: `plan-cost` and `cache` measure that
 * with /usr/bin/time. The three runs share the process, so the second and
 * third find what plumb keeps per process (compiled schemas, validators)
 * ready: compare their CPU with `cache` for the CLI's. Read the live column to find what to make smaller, and
 * the gap between heap and live for what a stage leaves as garbage — the peak
 * RSS of a real run is about the live set at V8's last full GC, times up to
 * ~4 (V8's heap growing factor on a large machine), or the live set at the end
 * plus what was promoted since, whichever comes first.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRepository } from '../../engine/load/load-repository.js';
import { validateRepository } from '../../engine/validate/validate.js';
import { discoverTargets } from '../../engine/plan/discover-targets.js';
import { buildPlan } from '../../engine/plan/build-plan.js';
import { selectTargets } from '../../engine/plan/select-targets.js';
import { ContentCache } from '../../engine/cache/content-cache.js';
import { cacheSettings } from '../../engine/cache/cache-settings.js';
import { generateInventory } from './generate.js';

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (n: number) => Math.round(n / 2 ** 20);

/** VmHWM and VmRSS of this process, MiB. */
function rssNow(): { hwm: number; rss: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const field = (name: string) => Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  return { hwm: field('VmHWM'), rss: field('VmRSS') };
}

async function stages(root: string, label: string, cache: ContentCache | false): Promise<void> {
  console.log(`\n  ${label}`);
  let cpu = process.cpuUsage();
  let liveBefore = 0;
  if (gc) {
    gc();
    liveBefore = process.memoryUsage().heapUsed;
  }
  const mark = (stage: string) => {
    const c = process.cpuUsage(cpu);
    const m = process.memoryUsage();
    const r = rssNow();
    let live = '';
    if (gc) {
      gc();
      const after = process.memoryUsage().heapUsed;
      live = `  live +${String(mib(after - liveBefore)).padStart(4)} (total ${mib(after)})`;
      liveBefore = after;
    }
    console.log(
      `    ${stage.padEnd(9)} ${((c.user + c.system) / 1e6).toFixed(2).padStart(6)} CPU-s  heap ${String(mib(m.heapUsed)).padStart(4)}  external ${String(mib(m.external)).padStart(4)}  RSS ${String(r.rss).padStart(4)} (high ${r.hwm}) MiB${live}`,
    );
    cpu = process.cpuUsage();
  };
  const repo = await loadRepository({ repo: root, contentCache: cache });
  mark('load');
  const { graph } = validateRepository(repo);
  mark('validate');
  const discovered = await discoverTargets({
    config: repo.config,
    names: selectTargets(repo.config, undefined),
    cis: repo.cis,
    root: repo.root,
    signal: new AbortController().signal,
    locate: repo.locate,
    schemas: repo.schemas,
  });
  mark('discover');
  const built = buildPlan({ repo, graph, targets: discovered.targets, now: new Date() });
  mark('plan');
  if (built.plan.changes.length === 0) throw new Error('the generated drift planned nothing');
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (2 cores)${gc ? '' : '  (no --expose-gc: live sizes not shown)'}`,
);
for (const cis of sizes.length ? sizes : [100_000]) {
  const root = mkdtempSync(join(tmpdir(), 'plumb-bench-memory-'));
  const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-memory-cache-'));
  try {
    generateInventory(root, { cis, drift: 0.01 });
    console.log(`\n${cis} CIs`);
    await stages(root, 'cache off', false);
    const settings = { ...cacheSettings(), enabled: true, dir };
    await stages(root, 'cold (empty cache)', new ContentCache(settings));
    await stages(root, 'warm', new ContentCache(settings));
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(
  `\nload average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
