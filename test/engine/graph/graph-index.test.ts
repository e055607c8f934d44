import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import type { CIGraph } from '../../../engine/graph/types.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { buildPlan } from '../../../engine/plan/build-plan.js';
import { discoverTargets } from '../../../engine/plan/discover-targets.js';
import { selectTargets } from '../../../engine/plan/select-targets.js';
import { renderPlanJson } from '../../../engine/report/plan-json.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { generateInventory } from '../../bench/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'plumb-graph-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Nodes, and edges with their attributes, in graphology's order. */
const shape = (graph: CIGraph) => ({ nodes: graph.nodes(), edges: graph.mapEdges((_e, a, s, t) => [s, t, a.type, a.inferred]) });

/** validateRepository with a fresh handle on `cacheDir` and without a cache: the two must agree. */
async function both(root: string, cacheDir: string) {
  const repo = await loadRepository({ repo: root, contentCache: false, renderCache: false });
  const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir }));
  const cached = validateRepository(repo, { contentCache: cache });
  const uncached = validateRepository(repo, { contentCache: false });
  expect(shape(cached.graph)).toEqual(shape(uncached.graph));
  expect(cached.diagnostics).toEqual(uncached.diagnostics);
  return { repo, cached, uncached, stats: { ...cache.stats } };
}

describe('graph index', () => {
  it('gives a generated repository the graph, the diagnostics and the plan (byte for byte) it gives without the cache', async () => {
    const root = join(dir, 'generated');
    generateInventory(root, { cis: 2000, drift: 0.05 });
    // what the checks across CIs report, so their diagnostics come from the index too: a dangling reference and a duplicate
    writeFileSync(
      join(root, 'inventory', 'zz-mistakes.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: ns-0\n  annotations:\n    plumb.io/relations: "[{type: dependsOn, target: configmap:ns-0/nowhere}]"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: ns-0\n',
    );
    const cacheDir = join(dir, 'generated-cache');
    const cold = await both(root, cacheDir);
    expect(cold.uncached.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['ref.unresolved', 'ci.duplicate']));
    expect(cold.uncached.graph.size).toBeGreaterThan(2000);
    const warm = await both(root, cacheDir);
    expect(warm.stats.writes).toBe(0);
    expect(warm.stats.misses).toBe(0);
    // the plan over the graph from the index, against the same observed state
    const discovered = await discoverTargets({
      config: warm.repo.config,
      names: selectTargets(warm.repo.config, undefined),
      cis: warm.repo.cis,
      root: warm.repo.root,
      signal: new AbortController().signal,
      locate: warm.repo.locate,
      schemas: warm.repo.schemas,
    });
    const now = new Date(0);
    const plan = (graph: CIGraph) => renderPlanJson(buildPlan({ repo: warm.repo, graph, targets: discovered.targets, now }).plan);
    expect(plan(warm.cached.graph)).toBe(plan(warm.uncached.graph));
  });

  it('is not used once a file, a path or plumb.yaml differs from what it was made of', async () => {
    const root = join(dir, 'small');
    const cacheDir = join(dir, 'small-cache');
    mkdirSync(join(root, 'inventory'), { recursive: true });
    writeFileSync(join(root, 'plumb.yaml'), 'inventory: ["inventory/**/*.yaml"]\ninventoryId: t\n');
    const deployment = (configMap: string, relation: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\n  annotations:\n    plumb.io/relations: "[{type: dependsOn, target: ${relation}}]"\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: api, image: api:1}]\n      volumes: [{name: c, configMap: {name: ${configMap}}}]\n`;
    writeFileSync(
      join(root, 'inventory', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: shop}\n',
    );
    writeFileSync(join(root, 'inventory', 'api.yaml'), deployment('settings', 'configmap:other'));
    const first = await both(root, cacheDir);
    expect(first.cached.graph.size).toBe(2);
    expect((await both(root, cacheDir)).stats.writes).toBe(0);
    // content: the inferred edge moves, the declared one dangles
    writeFileSync(join(root, 'inventory', 'api.yaml'), deployment('other', 'configmap:gone'));
    const edited = await both(root, cacheDir);
    expect(edited.cached.graph.size).toBe(1);
    expect(edited.cached.diagnostics.map((d) => `${d.file}:${d.code}`)).toContain('inventory/api.yaml:ref.unresolved');
    // path: the same blob under another name, in the same place of the load order, is reported at its own path
    renameSync(join(root, 'inventory', 'api.yaml'), join(root, 'inventory', 'b.yaml'));
    expect((await both(root, cacheDir)).cached.diagnostics.map((d) => `${d.file}:${d.code}`)).toContain('inventory/b.yaml:ref.unresolved');
    // plumb.yaml: another inventory glob reads fewer files
    writeFileSync(join(root, 'plumb.yaml'), 'inventory: ["inventory/cm.yaml"]\ninventoryId: t\n');
    expect((await both(root, cacheDir)).cached.graph.order).toBe(2);
  });
});
