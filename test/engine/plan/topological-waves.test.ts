import { describe, expect, it } from 'vitest';
import { topologicalWaves } from '../../../engine/plan/topological-waves.js';
import { ci, graphOf } from './fixtures.js';

const waves = (r: ReturnType<typeof topologicalWaves>) => Object.fromEntries([...r.waves].sort(([a], [b]) => a.localeCompare(b)));

describe('topologicalWaves', () => {
  const host = ci('host:shop/h1');
  const db = ci('database:shop/db', {}, [
    ['runsOn', 'host:shop/h1'],
    ['backedUpBy', 'backuppolicy:shop/nightly'],
  ]);
  const backup = ci('backuppolicy:shop/nightly');
  const app = ci('application:shop/api', {}, [
    ['dependsOn', 'database:shop/db'],
    ['consumesApi', 'application:shop/auth'],
    ['connectsTo', 'application:shop/auth'],
  ]);
  const auth = ci('application:shop/auth');
  const svc = ci('businessservice:shop/checkout');
  const member = ci('application:shop/web', {}, [['partOf', 'businessservice:shop/checkout']]);
  const cluster = ci('cluster:_cluster/k1', {}, [['contains', 'namespace:_cluster/shop']]);
  const ns = ci('namespace:_cluster/shop');
  const graph = graphOf([host, db, backup, app, auth, svc, member, cluster, ns]);

  it('creates what a ci depends on, runs on, is backed up by or consumes first', () => {
    const r = topologicalWaves({ graph, applied: [host.id, db.id, backup.id, app.id, auth.id], deleted: [] });
    expect(waves(r)).toEqual({
      'application:shop/api': 3,
      'application:shop/auth': 1,
      'backuppolicy:shop/nightly': 1,
      'database:shop/db': 2,
      'host:shop/h1': 1,
    });
    expect(r.diagnostics).toEqual([]);
  });

  it('puts the container before its contents and the parts before the whole', () => {
    const r = topologicalWaves({ graph, applied: [svc.id, member.id, cluster.id, ns.id], deleted: [] });
    expect(waves(r)).toEqual({ 'application:shop/web': 1, 'businessservice:shop/checkout': 2, 'cluster:_cluster/k1': 1, 'namespace:_cluster/shop': 2 });
  });

  it('keeps the order through unchanged cis', () => {
    // api → db → h1; only api and h1 change: h1 first, api after.
    const r = topologicalWaves({ graph, applied: [app.id, host.id], deleted: [] });
    expect(waves(r)).toEqual({ 'application:shop/api': 2, 'host:shop/h1': 1 });
  });

  it('deletes after creates and updates, dependents first', () => {
    const r = topologicalWaves({ graph, applied: [auth.id], deleted: [host.id, db.id, app.id] });
    expect(waves(r)).toEqual({ 'application:shop/auth': 1, 'application:shop/api': 2, 'database:shop/db': 3, 'host:shop/h1': 4 });
  });

  it('orders deletes in the graph they live in, and unknown cis in the first wave of their phase', () => {
    const r = topologicalWaves({ graph: graphOf([auth]), applied: [auth.id], deleted: [db.id, host.id, 'host:shop/ghost'], deleteGraph: graph });
    expect(waves(r)).toEqual({ 'application:shop/auth': 1, 'database:shop/db': 2, 'host:shop/ghost': 2, 'host:shop/h1': 3 });
  });

  it('warns and plans one wave when relations order two cis both ways', () => {
    const a = ci('application:x/a', {}, [
      ['dependsOn', 'application:x/b'],
      ['contains', 'application:x/b'],
    ]);
    const b = ci('application:x/b');
    const r = topologicalWaves({ graph: graphOf([a, b]), applied: [a.id, b.id], deleted: [] });
    expect(waves(r)).toEqual({ 'application:x/a': 1, 'application:x/b': 1 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['plan.wave-cycle']);
  });

  it('has no waves for no changes', () => {
    expect(topologicalWaves({ graph, applied: [], deleted: [] }).waves.size).toBe(0);
  });
});
