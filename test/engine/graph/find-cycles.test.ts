import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MultiDirectedGraph } from 'graphology';
import { hasCycle } from 'graphology-dag';
import { findCycles } from '../../../engine/graph/find-cycles.js';
import type { CIGraph } from '../../../engine/graph/types.js';
import { ci } from '../../helpers/make-repo.js';

function graphOf(nodes: number, edges: Array<[number, number, string]>): CIGraph {
  const graph: CIGraph = new MultiDirectedGraph({ allowSelfLoops: true });
  for (let i = 0; i < nodes; i++) graph.addNode(`app:default/n${i}`, { ci: ci({ kind: 'App', name: `n${i}` }) });
  for (const [s, t, type] of edges) graph.addEdge(`app:default/n${s}`, `app:default/n${t}`, { type: type as 'dependsOn', inferred: false });
  return graph;
}

describe('findCycles', () => {
  it('names the shortest cycle through the first CI of each cyclic component, per relation type', () => {
    const graph = graphOf(6, [
      [0, 1, 'dependsOn'],
      [1, 2, 'dependsOn'],
      [2, 0, 'dependsOn'],
      [2, 1, 'dependsOn'],
      [3, 4, 'runsOn'],
      [4, 3, 'runsOn'],
      [3, 4, 'dependsOn'],
      [4, 5, 'connectsTo'],
      [5, 4, 'connectsTo'],
      [5, 5, 'alternativeTo'],
    ]);
    expect(findCycles(graph)).toEqual([
      { type: 'dependsOn', ids: ['app:default/n0', 'app:default/n1', 'app:default/n2'] },
      { type: 'runsOn', ids: ['app:default/n3', 'app:default/n4'] },
    ]);
  });

  it('handles a chain of 100,000 CIs closed into one cycle without recursion', () => {
    const n = 100_000;
    const edges: Array<[number, number, string]> = [];
    for (let i = 0; i < n; i++) edges.push([i, (i + 1) % n, 'dependsOn']);
    const [cycle] = findCycles(graphOf(n, edges));
    expect(cycle.ids.length).toBe(n);
    expect(cycle.ids[0]).toBe('app:default/n0');
  });

  it('finds a cycle exactly when graphology-dag does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(7), fc.nat(7)), { maxLength: 20 }), (pairs) => {
        const graph = graphOf(
          8,
          pairs.map(([s, t]) => [s, t, 'dependsOn']),
        );
        const cycles = findCycles(graph);
        expect(cycles.length > 0).toBe(hasCycle(graph));
        for (const { ids } of cycles) {
          ids.forEach((id, i) => expect(graph.hasDirectedEdge(id, ids[(i + 1) % ids.length])).toBe(true));
        }
      }),
    );
  });
});
