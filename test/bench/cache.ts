/**
 * `npm run bench -- cache`: what the content cache (engine/cache) and the
 * incremental review buy, each figure a ratio against a baseline measured in
 * the same run, in CPU seconds (user + system of the whole `plumb` process,
 * from /usr/bin/time) with its peak RSS, and the load average beside it (the
 * machine is shared: ratios matter, wall time does not).
 *
 *   npx tsx test/bench/cache.ts [--reviews-only] [CIs...]     (default 1000 10000)
 *   npm run bench -- cache --reviews-only 10000 100000
 *
 * Per size, on the seeded generator's repository (test/bench/generate.ts) with a
 * snapshot target:
 * - floor: a process that reads every inventory file and the snapshot and parses
 *   them with js-yaml — the least any plan can do;
 * - `plumb plan` with PLUMB_CACHE=off, cold (empty cache), warm (second run);
 * - `plumb review` of a commit changing 50 CIs while the cache has no index of
 *   main yet (it loads main whole and writes the index); then of commits
 *   changing 1, 50 and 500 CIs (CIs' spec.version), warm (the cache holds
 *   main's index and parses) — Applications and Databases, spread over the
 *   repository —, of one Cluster (half the workloads run on it: its impact is
 *   half the repository), and of 50 CIs with PLUMB_CACHE=off.
 * `--reviews-only` skips the floor and the three plans (the review rows alone,
 * a few minutes less at 100k; the ratio to a cold plan is then not printed).
 * Goals (issue 18): warm plan ≤ 2× floor, cold ≤ 5×; a warm 50-CI review ≤ 10%
 * of a cold plan's CPU, growing with the change and not with the repository
 * (10k vs 100k at 50 CIs within 1.5×). Runs the package's bin from dist/ (run.ts builds first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateInventory } from './generate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// the package's bin (the esbuild bundle), as a user runs it
const CLI = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { plumb: string } }).bin.plumb);

interface Measured {
  readonly cpu: number;
  readonly rssMb: number;
  readonly wall: number;
  readonly load: number;
}

/** Runs a command under /usr/bin/time; its stdout is discarded. */
function measure(argv: readonly string[], env: NodeJS.ProcessEnv): Measured {
  const load = loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M %e', ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [user, system, rssKb, wall] = last.split(' ').map(Number);
  if (r.status === null || r.status > 3 || !Number.isFinite(user)) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { cpu: round(user + system), rssMb: Math.round(rssKb / 1024), wall: round(wall), load: round(load) };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The floor: read every inventory file and the snapshot, parse each with js-yaml. */
const FLOOR = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const yaml = require(${JSON.stringify(join(ROOT, 'node_modules', 'js-yaml'))});
const root = process.argv[1];
let docs = 0;
for (const e of readdirSync(join(root, 'inventory'), { withFileTypes: true, recursive: true })) {
  if (e.isFile() && e.name.endsWith('.yaml')) docs += yaml.loadAll(readFileSync(join(e.parentPath, e.name), 'utf8')).length;
}
docs += yaml.load(readFileSync(join(root, 'observed', 'snapshot.json'), 'utf8')).objects.length;
if (docs === 0) process.exit(1);
`;

/**
 * Commits a change to `count` CIs of kind `kind` (their spec.version) on branch
 * `name` from main; the work tree goes back to main. Applications and Databases
 * are what pull requests usually change; a Cluster is a hub half the
 * repository's workloads run on (its impact alone lists ~50% of the CIs).
 */
export function commitChange(root: string, name: string, count: number, kind = /^kind: (Application|Database)$/m): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { stdio: 'pipe' });
  git('checkout', '-q', '-b', name, 'main');
  let changed = 0;
  const files = readdirSync(join(root, 'inventory'), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) =>
      readFileSync(f, 'utf8')
        .split('---\n')
        .some((doc) => kind.test(doc) && /^ {2}version: /m.test(doc)),
    )
    .sort();
  // spread over the repository (every k-th file), as a real change is: one CI per file
  const stride = Math.max(1, Math.floor(files.length / count));
  for (let i = 0; i < files.length && changed < count; i += stride) {
    const docs = readFileSync(files[i], 'utf8').split('---\n');
    let touched = false;
    const next = docs.map((doc) => {
      if (changed >= count || touched || !kind.test(doc) || !/^ {2}version: .*$/m.test(doc)) return doc;
      changed++;
      touched = true;
      return doc.replace(/^ {2}version: .*$/m, `  version: 9.9.${changed}`);
    });
    writeFileSync(files[i], next.join('---\n'));
  }
  git('commit', '-qam', `change ${changed} CIs`);
  git('checkout', '-q', 'main');
}

export async function benchCache(cis: number, reviewsOnly = false): Promise<Record<string, Measured>> {
  const root = mkdtempSync(join(tmpdir(), 'plumb-bench-cache-'));
  const cache = mkdtempSync(join(tmpdir(), 'plumb-bench-cache-dir-'));
  try {
    generateInventory(root, { cis, git: true, drift: 0.01 });
    const on = { PLUMB_CACHE_DIR: cache, PLUMB_CACHE: 'on' };
    const off = { PLUMB_CACHE: 'off' };
    const plan = [process.execPath, CLI, 'plan', '--repo', root, '-o', 'json'];
    const out: Record<string, Measured> = {};
    if (!reviewsOnly) {
      out.floor = measure([process.execPath, '-e', FLOOR, root], {});
      out['plan, cache off'] = measure(plan, off);
      out['plan, cold'] = measure(plan, on);
      out['plan, warm'] = measure(plan, on);
    }
    const sizes = [1, 50, 500].filter((k) => k <= cis / 10);
    for (const k of sizes) commitChange(root, `pr-${k}`, k);
    commitChange(root, 'pr-cluster', 1, /^kind: Cluster$/m);
    // the first review against main loads and validates main whole and writes its index (engine/review/revision-index.ts)
    if (sizes.includes(50))
      out['review 50 CIs, index cold'] = measure([process.execPath, CLI, 'review', '--repo', root, '--base', 'main', '--head', 'pr-50', '-o', 'json'], on);
    for (const k of sizes)
      out[`review ${k} CIs, warm`] = measure([process.execPath, CLI, 'review', '--repo', root, '--base', 'main', '--head', `pr-${k}`, '-o', 'json'], on);
    out['review 1 Cluster, warm'] = measure([process.execPath, CLI, 'review', '--repo', root, '--base', 'main', '--head', 'pr-cluster', '-o', 'json'], on);
    if (sizes.includes(50))
      out['review 50 CIs, cache off'] = measure([process.execPath, CLI, 'review', '--repo', root, '--base', 'main', '--head', 'pr-50', '-o', 'json'], off);
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}

function report(cis: number, m: Record<string, Measured>): void {
  console.log(`\n${cis} CIs`);
  for (const [name, x] of Object.entries(m))
    console.log(
      `  ${name.padEnd(26)} ${x.cpu.toFixed(2).padStart(7)} CPU-s  ${String(x.rssMb).padStart(5)} MiB peak  ${x.wall.toFixed(2).padStart(7)} s wall  load ${x.load}`,
    );
  const ratio = (a: string, b: string) => (m[a] && m[b] ? round(m[a].cpu / m[b].cpu) : NaN);
  if (m.floor) {
    console.log(`  warm plan / floor          ${ratio('plan, warm', 'floor')}  (goal ≤ 2)`);
    console.log(`  cold plan / floor          ${ratio('plan, cold', 'floor')}  (goal ≤ 5; uncached ${ratio('plan, cache off', 'floor')})`);
  }
  if (m['review 50 CIs, warm'] && m['plan, cold'])
    console.log(
      `  warm 50-CI review / cold plan ${ratio('review 50 CIs, warm', 'plan, cold')}  (goal ≤ 0.10; the uncached review ${ratio('review 50 CIs, cache off', 'plan, cold')})`,
    );
  const growth = ['review 1 CIs, warm', 'review 50 CIs, warm', 'review 500 CIs, warm'].filter((k) => m[k]).map((k) => m[k].cpu);
  if (growth.length > 1) console.log(`  review CPU at 1 / 50 / 500 changed CIs: ${growth.join(' / ')}`);
}

async function main(): Promise<void> {
  const reviewsOnly = process.argv.includes('--reviews-only');
  const sizes = process.argv
    .slice(2)
    .filter((a) => a !== '--reviews-only')
    .map(Number)
    .filter((n) => n > 0);
  const results: Record<number, Record<string, Measured>> = {};
  for (const cis of sizes.length ? sizes : [1000, 10_000]) {
    results[cis] = await benchCache(cis, reviewsOnly);
    report(cis, results[cis]);
  }
  const [small, large] = Object.keys(results)
    .map(Number)
    .sort((a, b) => a - b)
    .slice(-2);
  const a = results[small]?.['review 50 CIs, warm'];
  const b = results[large]?.['review 50 CIs, warm'];
  if (a && b && small !== large) console.log(`\nwarm 50-CI review, ${large} vs ${small} CIs: ${round(b.cpu / a.cpu)}× (goal ≤ 1.5)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
