import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../engine/graph/build-graph.js';
import { deferredEdgesOf } from '../../../engine/graph/deferred-edges.js';
import { edgeTableFromGraph, edgeTableOf } from '../../../engine/graph/edge-table.js';
import { graphFromIndex, graphIndexOf } from '../../../engine/graph/graph-index.js';
import type { CIGraph } from '../../../engine/graph/types.js';
import { simulateImpact } from '../../../engine/impact/simulate.js';
import type { CI } from '../../../engine/model/ci.js';
import { RELATION_TYPES, type RelationType } from '../../../engine/model/relations.js';
import { evaluatePolicies } from '../../../engine/policy/evaluate.js';
import { topologicalWaves } from '../../../engine/plan/topological-waves.js';
import { rng } from '../../bench/generate.js';
import { ci } from '../plan/fixtures.js';

/** `n` CIs with random relations of every type (self-loops, parallel and inferred edges too); some are v1 Services. */
function randomCis(seed: number, n: number): CI[] {
  const next = rng(seed);
  const ids = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? `service:ns/s${i}` : `application:ns/a${i}`));
  return ids.map((id, i) => {
    const relations: [RelationType, string][] = [];
    const count = Math.floor(next() * 4);
    for (let k = 0; k < count; k++)
      relations.push([RELATION_TYPES[Math.floor(next() * RELATION_TYPES.length)].type as RelationType, ids[Math.floor(next() * n)]]);
    const made = ci(id, {}, relations);
    const inferred = made.relations.map((r) => ({ ...r, inferred: next() < 0.3 }));
    return i % 7 === 0 ? { ...made, kind: 'Service', apiVersion: 'v1', kubernetes: true, relations: inferred } : { ...made, relations: inferred };
  });
}

/** Nodes, and edges with their attributes, in graphology's order. */
const shape = (graph: CIGraph) => ({ nodes: graph.nodes(), edges: graph.mapEdges((_e, a, s, t) => [s, t, a.type, a.inferred]) });

/** The graph built from `cis`, and the one its graph index gives (edges deferred). */
function pair(cis: readonly CI[]): { built: CIGraph; indexed: CIGraph } {
  const built = buildGraph(cis).graph;
  const indexed = graphFromIndex(cis, graphIndexOf(built, { duplicates: [], references: [], cycles: [] }))!;
  return { built, indexed };
}

/** An edge table's fields (a recorded one may carry more). */
const table = ({ ids, numberOf, source, target, type }: ReturnType<typeof edgeTableOf>) => ({ ids, numberOf, source, target, type });

const sorted = (waves: ReadonlyMap<string, number>) => [...waves].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('deferred edges (a graph from the graph index)', () => {
  it('plans the same waves as the built graph without adding its edges to graphology, and the same impact', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const cis = randomCis(seed, 60);
      const { built, indexed } = pair(cis);
      expect(built.size, `seed ${seed}`).toBeGreaterThan(0);
      const next = rng(seed * 31);
      for (let round = 0; round < 10; round++) {
        const applied = cis.filter(() => next() < 0.3).map((c) => c.id);
        const deleted = cis.filter((c) => !applied.includes(c.id) && next() < 0.2).map((c) => c.id);
        const a = topologicalWaves({ graph: built, applied, deleted });
        const b = topologicalWaves({ graph: indexed, applied, deleted });
        expect(sorted(b.waves), `seed ${seed} round ${round}`).toEqual(sorted(a.waves));
        expect(b.diagnostics).toEqual(a.diagnostics);
      }
      expect(deferredEdgesOf(indexed), `seed ${seed}: still deferred`).toBeDefined();
      expect(indexed.order).toBe(built.order);
      // the impact index reads the numbers too (a CI with alternatives asks graphology for its group: that adds them)
      const sources = cis.filter(() => next() < 0.2).map((c) => c.id);
      if (sources.length) expect(simulateImpact(indexed, { sources, event: 'change' })).toEqual(simulateImpact(built, { sources, event: 'change' }));
      // the first edge query adds them, in buildGraph's order
      expect(shape(indexed)).toEqual(shape(built));
      expect(deferredEdgesOf(indexed)).toBeUndefined();
      expect(table(edgeTableOf(indexed))).toEqual(table(edgeTableFromGraph(built)));
    }
  });

  it('adds the edges before any edge query, count, change or export answers', () => {
    const cis = randomCis(7, 40);
    const { built } = pair(cis);
    const node = cis[3].id;
    const probes: [string, (g: CIGraph) => unknown][] = [
      ['size', (g) => g.size],
      ['directedSize', (g) => g.directedSize],
      ['selfLoopCount', (g) => g.selfLoopCount],
      ['edges', (g) => g.edges().length],
      ['outDegree', (g) => g.outDegree(node)],
      ['inNeighbors', (g) => g.inNeighbors(node)],
      ['forEachOutEdge', (g) => g.mapOutEdges(node, (_e, a, _s, t) => [t, a.type])],
      ['someEdge', (g) => g.someEdge((_e, a) => a.type === 'alternativeTo')],
      ['hasDirectedEdge', (g) => g.hasDirectedEdge(cis[0].id, cis[1].id)],
      ['export', (g) => g.export().edges?.map((e) => [e.source, e.target, e.attributes])],
      ['dropNode', (g) => (g.dropNode(node), g.size)],
      ['addEdge', (g) => (g.addEdge(cis[0].id, cis[1].id, { type: 'dependsOn', inferred: false }), g.mapEdges((_e, a, s, t) => [s, t, a.type]))],
      ['copy', (g) => g.copy().size],
      ['iterator', (g) => [...g.edgeEntries()].length],
    ];
    for (const [name, probe] of probes) {
      const fresh = () => pair(cis);
      const { built: eager, indexed } = fresh();
      expect(deferredEdgesOf(indexed), name).toBeDefined();
      expect(probe(indexed), name).toEqual(probe(eager));
      expect(deferredEdgesOf(indexed), name).toBeUndefined();
    }
    // node queries leave them deferred
    const { indexed } = pair(cis);
    expect(indexed.hasNode(node)).toBe(true);
    expect(indexed.getNodeAttribute(node, 'ci')).toBe(cis[3]);
    expect(indexed.nodes()).toEqual(built.nodes());
    expect(indexed.order).toBe(built.order);
    let visited = 0;
    indexed.forEachNode(() => visited++);
    expect(visited).toBe(built.order);
    expect([...indexed.nodeEntries()].map((e) => e.node)).toEqual(built.nodes());
    expect(indexed.mapNodes((n) => n)).toEqual(built.nodes());
    expect(indexed.filterNodes((n) => n.startsWith('service:'))).toEqual(built.filterNodes((n) => n.startsWith('service:')));
    expect(indexed.reduceNodes((count) => count + 1, 0)).toBe(built.order);
    expect(indexed.findNode((n) => n === node)).toBe(node);
    expect(indexed.someNode((n) => n === node)).toBe(true);
    expect(indexed.everyNode((n) => n.includes(':'))).toBe(true);
    expect(deferredEdgesOf(indexed)).toBeDefined();
    // an evaluation with no policy of the scope builds no subject (inventory policies see every CI and its edges)
    const evaluation = evaluatePolicies({ policies: [], scope: 'inventory', graph: indexed, now: new Date(0) });
    expect(evaluation.results).toEqual([]);
    expect(deferredEdgesOf(indexed)).toBeDefined();
  });

  it('emits graphology edgeAdded events when the edges are added, so values kept per graph are dropped and rebuilt right', () => {
    const cis = randomCis(3, 30);
    const { built, indexed } = pair(cis);
    const before = edgeTableOf(indexed);
    let added = 0;
    indexed.on('edgeAdded', () => added++);
    expect(indexed.size).toBe(built.size);
    expect(added).toBe(built.size);
    expect(table(edgeTableOf(indexed))).toEqual(table(edgeTableFromGraph(built)));
    expect(edgeTableOf(indexed).source).toEqual(before.source);
    // a later change drops the kept table as for any graph
    indexed.addEdge(cis[0].id, cis[0].id, { type: 'connectsTo', inferred: false });
    expect(edgeTableOf(indexed).source.length).toBe(built.size + 1);
  });
});
