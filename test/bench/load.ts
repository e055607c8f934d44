/**
 * Load / validate / graph on synthetic inventories (issue 2): time per stage
 * and peak RSS, from the work tree and from a Git revision.
 *
 *   node --expose-gc --import tsx test/bench/load.ts [CIS...]        (default 1000 10000 100000)
 *
 * Each measurement runs in a fresh child process, so peak RSS is that run's own
 * and no parse is warmed by an earlier one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadRepository } from '../../engine/load/load-repository.js';
import { hasErrors } from '../../engine/model/diagnostic.js';
import { validateRepository } from '../../engine/validate/validate.js';
import { generateInventory } from './generate.js';

const SELF = fileURLToPath(import.meta.url);

/** The child: one load + validate (which builds the graph), timed per stage. */
async function measure(root: string, rev: string | undefined): Promise<void> {
  const t0 = performance.now();
  const repo = await loadRepository({ repo: root, rev });
  const t1 = performance.now();
  const { graph, diagnostics } = validateRepository(repo);
  const t2 = performance.now();
  if (hasErrors(diagnostics)) throw new Error(`synthetic inventory is invalid: ${diagnostics.find((d) => d.severity === 'error')?.message}`);
  process.stdout.write(
    JSON.stringify({
      cis: repo.cis.length,
      nodes: graph.order,
      edges: graph.size,
      loadMs: t1 - t0,
      validateGraphMs: t2 - t1,
      totalMs: t2 - t0,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

export interface LoadBenchRow {
  readonly source: 'worktree' | 'git';
  readonly cis: number;
  readonly edges: number;
  readonly loadMs: number;
  readonly validateGraphMs: number;
  readonly totalMs: number;
  readonly peakRssMiB: number;
}

export function benchLoad(sizes: readonly number[]): LoadBenchRow[] {
  const rows: LoadBenchRow[] = [];
  for (const size of sizes) {
    const root = mkdtempSync(join(tmpdir(), `plumb-bench-load-${size}-`));
    try {
      const gen = generateInventory(root, { cis: size, git: true });
      console.log(`generated ${gen.cis} CIs in ${gen.files} files (${(gen.bytes / 1e6).toFixed(1)} MB)`);
      for (const source of ['worktree', 'git'] as const) {
        const args = ['--expose-gc', '--import', 'tsx', SELF, '--child', root, ...(source === 'git' ? ['HEAD'] : [])];
        const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        if (r.status !== 0) throw new Error(r.stderr);
        const m = JSON.parse(r.stdout);
        rows.push({ source, cis: m.cis, edges: m.edges, loadMs: m.loadMs, validateGraphMs: m.validateGraphMs, totalMs: m.totalMs, peakRssMiB: m.peakRssMiB });
        const row = rows[rows.length - 1];
        console.log(
          `${String(row.cis).padStart(7)} CIs ${source.padEnd(8)}  load ${(row.loadMs / 1000).toFixed(2)} s  validate+graph ${(row.validateGraphMs / 1000).toFixed(2)} s  total ${(row.totalMs / 1000).toFixed(2)} s  peak RSS ${row.peakRssMiB.toFixed(0)} MiB  (${row.edges} edges)`,
        );
      }
    } finally {
      if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    }
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--child');
  if (i > 0) await measure(process.argv[i + 1], process.argv[i + 2]);
  else {
    const sizes = process.argv
      .slice(2)
      .map(Number)
      .filter((n) => n > 0);
    benchLoad(sizes.length ? sizes : [1000, 10_000, 100_000]);
  }
}
