/**
 * The render cache on a review: a repository of ~10k CIs — 9,000 plain CIs and
 * 20 Kustomize units (an overlay over its own base, 50 objects each) — where
 * the pull request changes one unit's patch. With the cache, head renders its
 * 20 units and base only the one whose inputs differ (21 renders); without it
 * (the baseline, same run) both sides render all 20 (40 renders). A second
 * review in the same process (the controller, the TUI) renders nothing.
 *
 *   npx tsx test/bench/render.ts [units=20] [objectsPerUnit=50] [plainCis=9000]
 *
 * Needs kustomize (test/tools/build.sh).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RenderCache } from '../../engine/render/render-stage.js';
import { toolPath } from '../../engine/render/tools.js';
import { runReview } from '../../engine/review/run-review.js';
import { commit, head } from '../helpers/git-repo.js';
import { generateInventory } from './generate.js';

const units = Number(process.argv[2] ?? 20);
const perUnit = Number(process.argv[3] ?? 50);
const plainCis = Number(process.argv[4] ?? 9000);
if (!toolPath('kustomize')) {
  console.error('kustomize not found: run test/tools/build.sh');
  process.exit(1);
}

function unitFiles(i: number, replicas: number): Record<string, string> {
  const dir = `inventory/apps/app-${i}`;
  const objects = Array.from(
    { length: perUnit - 1 },
    (_, k) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${k}\ndata:\n  INDEX: "${k}"\n  UNIT: "app-${i}"\n`,
  );
  const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: app-${i}}}\n  template:\n    metadata: {labels: {app: app-${i}}}\n    spec:\n      containers: [{name: app, image: "registry.example.com/app-${i}@sha256:${'a'.repeat(64)}"}]\n`;
  return {
    [`${dir}/base/kustomization.yaml`]: 'resources: [objects.yaml]\n',
    [`${dir}/base/objects.yaml`]: [deployment, ...objects].join('---\n'),
    [`${dir}/overlays/prod/kustomization.yaml`]: `namespace: app-${i}\nresources: [../../base]\npatches: [{path: replicas.yaml}]\n`,
    [`${dir}/overlays/prod/replicas.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {replicas: ${replicas}}\n`,
  };
}

// the plain CIs: the benches' seeded generator (a valid inventory), committed
const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-render-'));
generateInventory(dir, { cis: plainCis, git: true });
const unitTree: Record<string, string> = {};
for (let i = 0; i < units; i++) Object.assign(unitTree, unitFiles(i, 2));
const baseRev = commit(dir, unitTree, `${units} kustomize units`);
const headRev = commit(dir, unitFiles(7, 5), 'app-7: five replicas');

/** CPU seconds of this process and of the tool processes it waited for (/proc/self/stat utime+stime, cutime+cstime). */
function cpu(): { self: number; children: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const tick = 100;
  return { self: (Number(fields[11]) + Number(fields[12])) / tick, children: (Number(fields[13]) + Number(fields[14])) / tick };
}

async function run(label: string, renderCache: RenderCache | false) {
  const before = cpu();
  const start = performance.now();
  const review = await runReview({ repo: dir, base: baseRev, head: headRev, renderCache, now: new Date('2026-11-30T12:00:00Z') });
  const ms = performance.now() - start;
  const after = cpu();
  if (!review.plan)
    throw new Error(
      `review failed: ${review.diagnostics
        .slice(0, 3)
        .map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`)
        .join('; ')}`,
    );
  const changes = (review.plan?.changes ?? []).filter((c) => c.action !== 'noop').map((c) => c.id);
  const renders = renderCache ? renderCache.stats.renders : 2 * units;
  console.log(
    `${label.padEnd(34)} ${String(review.head.cis.length).padStart(6)} CIs ${String(renders).padStart(3)} renders ${ms.toFixed(0).padStart(7)} ms  cpu ${(after.self - before.self).toFixed(1)} s plumb + ${(after.children - before.children).toFixed(1)} s tools  changes: ${changes.join(', ') || 'none'}`,
  );
  return { ms, renders };
}

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const cold = new RenderCache();
const baseline = await run('no cache (baseline)', false);
const cached = await run('render cache, cold', cold);
cold.stats.renders = 0;
const warm = await run('render cache, warm (2nd review)', cold);
console.log(
  `→ cold cache: ${cached.renders} renders vs ${baseline.renders} (${(baseline.ms / cached.ms).toFixed(2)}× faster); warm: ${warm.renders} renders (${(baseline.ms / warm.ms).toFixed(2)}× faster)`,
);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
rmSync(dir, { recursive: true, force: true });
