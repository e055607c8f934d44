/**
 * `npm run bench -- plan-cost`: what a cold `plumb plan` costs, against the
 * floor measured in the same run (issue 18), and what a plan file weighs.
 *
 *   npx tsx test/bench/plan-cost.ts [CIs…]     (default 1000 10000 100000; needs `npm run build`)
 *
 * - floor: a process that reads every inventory file and the snapshot and
 *   parses each with js-yaml — the least any plan must do;
 * - `plumb plan` (text) and `plumb plan -o json` on the generated inventory
 *   (test/bench/generate.ts, 1% drift, snapshot target), PLUMB_CACHE=off: the
 *   cold cost, without the content cache (test/bench/cache.ts measures that);
 *   CPU seconds (user + system) and peak RSS from /usr/bin/time, the load
 *   average beside each (a shared machine: ratios matter, wall time does not).
 *   Goal: peak RSS of the 100k plan ≤ 600 MiB.
 * - plan size: the kube-prometheus-shaped bundle (130 objects, CRDs in
 *   cert-manager's shape, all creates), its plan JSON as version 1 wrote it
 *   (patch, diff and desired each whole) and as it is written now.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPlan } from '../../engine/plan/run-plan.js';
import { renderPlanJson } from '../../engine/report/plan-json.js';
import { generateInventory, generateOperatorBundle } from './generate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The package's bin (package.json `bin.plumb`): what a user runs. */
const CLI = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { plumb: string } }).bin.plumb);

interface Measured {
  readonly cpu: number;
  readonly rssMb: number;
  readonly wall: number;
  readonly load: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Runs a command under /usr/bin/time (stdout discarded): CPU seconds, peak RSS (MiB), wall seconds, 1-minute load. */
function measure(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Measured {
  const load = loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M %e', ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [user, system, rssKb, wall] = last.split(' ').map(Number);
  if (r.status === null || r.status > 3 || !Number.isFinite(user)) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { cpu: round(user + system), rssMb: Math.round(rssKb / 1024), wall: round(wall), load: round(load) };
}

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

function benchCost(cis: number): void {
  const root = mkdtempSync(join(tmpdir(), 'plumb-bench-plan-cost-'));
  try {
    generateInventory(root, { cis, drift: 0.01 });
    const off = { PLUMB_CACHE: 'off' };
    const m = {
      floor: measure([process.execPath, '-e', FLOOR, root]),
      plan: measure([process.execPath, CLI, 'plan', '--repo', root], off),
      'plan -o json': measure([process.execPath, CLI, 'plan', '--repo', root, '-o', 'json'], off),
    };
    console.log(`\n${cis} CIs`);
    for (const [name, r] of Object.entries(m)) {
      const ratio = name === 'floor' ? '' : `  ${(r.cpu / m.floor.cpu).toFixed(2)}× floor CPU, ${(r.rssMb / m.floor.rssMb).toFixed(2)}× floor RSS`;
      console.log(
        `  ${name.padEnd(14)} ${r.cpu.toFixed(2).padStart(7)} cpu-s  ${String(r.rssMb).padStart(5)} MiB peak RSS  ${r.wall.toFixed(1).padStart(6)} s wall  load ${r.load}${ratio}`,
      );
    }
    if (cis >= 100_000) console.log(`  peak RSS goal ≤ 600 MiB: plan ${m.plan.rssMb} MiB, plan -o json ${m['plan -o json'].rssMb} MiB`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function benchSize(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'plumb-bench-plan-size-'));
  try {
    const bundle = generateOperatorBundle(root);
    const { plan } = await runPlan({ repo: root, now: new Date('2026-11-20T12:00:00Z') });
    if (!plan) throw new Error('the bundle did not plan');
    const before = JSON.stringify(plan, null, 2).length + 1;
    const after = renderPlanJson(plan).length;
    const objects = plan.changes.reduce((n, c) => n + JSON.stringify(c.desired, null, 2).length, 0);
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(`\nplan JSON of a kube-prometheus-shaped bundle: ${bundle.objects} objects, ${mb(bundle.bytes)} MB of YAML, all creates`);
    console.log(`  version 1 (patch, diff, desired each whole)  ${mb(before)} MB`);
    console.log(
      `  version 2 (each object once)                 ${mb(after)} MB  (${(before / after).toFixed(2)}× smaller; the desired objects alone ${mb(objects)} MB)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (2 cores)`,
);
for (const cis of sizes.length ? sizes : [1000, 10_000, 100_000]) benchCost(cis);
await benchSize();
console.log(
  `\nload average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
