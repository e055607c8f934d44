import { describe, expect, it } from 'vitest';
import { simulateImpact } from '../../../engine/impact/simulate.js';
import { chainEdges, graphOf } from './graph-fixture.js';

describe('graph shapes', () => {
  it('a connectsTo cycle terminates, each peer at risk once, and at-risk goes on to hard dependents', () => {
    const ring = graphOf(['app:x/a connectsTo app:x/b', 'app:x/b connectsTo app:x/c', 'app:x/c connectsTo app:x/a', 'app:x/d dependsOn app:x/b']);
    expect(simulateImpact(ring, { sources: ['app:x/a'], event: 'down' })).toEqual({
      sources: ['app:x/a'],
      event: 'down',
      affected: [
        { id: 'app:x/b', state: 'at-risk', depth: 1, path: ['app:x/a', 'app:x/b'] },
        { id: 'app:x/c', state: 'at-risk', depth: 1, path: ['app:x/a', 'app:x/c'] },
        { id: 'app:x/d', state: 'at-risk', depth: 2, path: ['app:x/a', 'app:x/b', 'app:x/d'] },
      ],
      businessServices: [],
      risk: { score: 10, level: 'low' },
    });
  });

  it('a 50-level chain of dependsOn goes down to the end, each CI at its own depth with the full path', () => {
    const ids = Array.from({ length: 51 }, (_, i) => `chain:x/n${i}`);
    expect(simulateImpact(graphOf(chainEdges(50)), { sources: ['chain:x/n0'], event: 'down' })).toEqual({
      sources: ['chain:x/n0'],
      event: 'down',
      affected: ids.slice(1).map((id, i) => ({ id, state: 'down', depth: i + 1, path: ids.slice(0, i + 2) })),
      businessServices: [],
      risk: { score: 23, level: 'low' },
    });
  });

  it('a 100,000-level chain does not overflow the stack', () => {
    const result = simulateImpact(graphOf(chainEdges(100_000).slice(0, 100_000)), { sources: ['chain:x/n99990'], event: 'down' });
    expect(result.affected.map((a) => a.depth)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('of two equally short explanations the one through the smallest identity is reported, whatever the edge order', () => {
    const edges = ['app:x/top dependsOn app:x/m2', 'app:x/top dependsOn app:x/m1', 'app:x/m2 dependsOn database:x/db', 'app:x/m1 dependsOn database:x/db'];
    const forward = simulateImpact(graphOf(edges), { sources: ['database:x/db'], event: 'down' });
    const backward = simulateImpact(graphOf([...edges].reverse()), { sources: ['database:x/db'], event: 'down' });
    expect(forward).toEqual(backward);
    expect(forward.affected.find((a) => a.id === 'app:x/top')).toEqual({
      id: 'app:x/top',
      state: 'down',
      depth: 2,
      path: ['database:x/db', 'app:x/m1', 'app:x/top'],
    });
  });

  it('the worst state wins even when a milder one is reached in fewer hops', () => {
    // api consumes db directly (degraded at depth 1) but also depends on it through a cache (down at depth 2).
    const g = graphOf(['app:x/api consumesApi database:x/db', 'app:x/api dependsOn app:x/cache', 'app:x/cache dependsOn database:x/db']);
    expect(simulateImpact(g, { sources: ['database:x/db'], event: 'down' }).affected).toEqual([
      { id: 'app:x/cache', state: 'down', depth: 1, path: ['database:x/db', 'app:x/cache'] },
      { id: 'app:x/api', state: 'down', depth: 2, path: ['database:x/db', 'app:x/cache', 'app:x/api'] },
    ]);
  });
});

describe('a graph that changes between simulations', () => {
  it('is simulated afresh: the cached index follows added and dropped edges and nodes', () => {
    const g = graphOf(['app:x/a dependsOn database:x/db']);
    const ids = () => simulateImpact(g, { sources: ['database:x/db'], event: 'down' }).affected.map((a) => a.id);
    const seen = [ids()];
    g.addNode('app:x/b', { ci: g.getNodeAttribute('app:x/a', 'ci') });
    g.addEdge('app:x/b', 'database:x/db', { type: 'dependsOn', inferred: false });
    seen.push(ids());
    g.dropNode('app:x/a');
    seen.push(ids());
    g.updateEdgeAttributes(g.edges('app:x/b', 'database:x/db')[0], (attrs) => ({ ...attrs, type: 'ownedBy' }));
    seen.push(ids());
    expect(seen).toEqual([['app:x/a'], ['app:x/a', 'app:x/b'], ['app:x/b'], []]);
  });
});

describe('delete and contains', () => {
  // v1 has a standby (v3); v1 contains a disk.
  const rack = graphOf([
    'host:x/h contains vm:x/v1',
    'host:x/h contains vm:x/v2',
    'vm:x/v1 alternativeTo vm:x/v3',
    'vm:x/v1 contains disk:x/d1',
    'app:x/a runsOn vm:x/v1',
    'app:x/b runsOn vm:x/v2',
  ]);

  it('deleting a container deletes what it contains, transitively, even what has a standby', () => {
    expect(simulateImpact(rack, { sources: ['host:x/h'], event: 'delete' })).toEqual({
      sources: ['host:x/h'],
      event: 'delete',
      affected: [
        { id: 'vm:x/v1', state: 'down', depth: 1, path: ['host:x/h', 'vm:x/v1'] },
        { id: 'vm:x/v2', state: 'down', depth: 1, path: ['host:x/h', 'vm:x/v2'] },
        { id: 'app:x/b', state: 'down', depth: 2, path: ['host:x/h', 'vm:x/v2', 'app:x/b'] },
        { id: 'disk:x/d1', state: 'down', depth: 2, path: ['host:x/h', 'vm:x/v1', 'disk:x/d1'] },
        { id: 'app:x/a', state: 'at-risk', depth: 2, path: ['host:x/h', 'vm:x/v1', 'app:x/a'] },
      ],
      businessServices: [],
      risk: { score: 18, level: 'low' },
    });
  });

  it('a container going down takes its contents down too, standby or not; only the users of a content with a standby fail over', () => {
    const deleted = simulateImpact(rack, { sources: ['host:x/h'], event: 'delete' });
    const down = simulateImpact(rack, { sources: ['host:x/h'], event: 'down' });
    expect(down).toEqual({ ...deleted, event: 'down', risk: { score: 14, level: 'low' } });
  });
});

describe('bad requests', () => {
  const g = graphOf(['app:x/a dependsOn app:x/b']);
  it('an unknown source is a PlumbError naming it', () => {
    expect(() => simulateImpact(g, { sources: ['app:x/nope'], event: 'down' })).toThrow(
      expect.objectContaining({ code: 'impact.unknown-source', data: { ci: 'app:x/nope' } }),
    );
  });
  it('no source at all is a PlumbError', () => {
    expect(() => simulateImpact(g, { sources: [], event: 'down' })).toThrow(expect.objectContaining({ code: 'impact.no-source' }));
  });
});
