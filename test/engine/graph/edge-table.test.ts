import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../../engine/graph/build-graph.js';
import { edgeTableFromGraph, edgeTableOf, UNKNOWN_RELATION } from '../../../engine/graph/edge-table.js';
import { findCycles } from '../../../engine/graph/find-cycles.js';
import type { CIGraph } from '../../../engine/graph/types.js';
import { impactIndexOf } from '../../../engine/impact/impact-index.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { RELATION_TYPES } from '../../../engine/model/relations.js';
import { generateInventory } from '../../bench/generate.js';
import { ci } from '../../helpers/make-repo.js';

/** The table as plain arrays, for toEqual. */
const plain = (graph: CIGraph, table = edgeTableOf(graph)) => ({
  ids: [...table.ids],
  numberOf: [...table.numberOf],
  source: [...table.source],
  target: [...table.target],
  type: [...table.type],
});

describe('edge table', () => {
  const root = mkdtempSync(join(tmpdir(), 'plumb-edge-table-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("numbers a generated inventory's nodes and edges in graphology's order, once per graph", async () => {
    generateInventory(root, { cis: 3000 });
    const repo = await loadRepository({ repo: root, contentCache: false });
    const { graph } = buildGraph(repo.cis);
    expect(graph.size).toBeGreaterThan(3000);
    const table = edgeTableOf(graph);
    const nodes = graph.nodes();
    expect(table.ids).toEqual(nodes);
    expect([...table.numberOf]).toEqual(nodes.map((id, i) => [id, i]));
    expect(graph.mapEdges((_e, a, s, t) => [s, t, a.type])).toEqual(
      [...table.type].map((code, e) => [nodes[table.source[e]], nodes[table.target[e]], RELATION_TYPES[code].type]),
    );
    // kept, not rebuilt
    expect(edgeTableOf(graph)).toBe(table);
  });

  it('is dropped when the graph changes, and the cycle check and impact index see the change', () => {
    const { graph } = buildGraph([
      ci({ kind: 'App', name: 'a', relations: [{ type: 'dependsOn', target: 'app:b' }] }),
      ci({ kind: 'App', name: 'b', relations: [{ type: 'connectsTo', target: 'app:a' }] }),
    ]);
    expect(findCycles(graph)).toEqual([]);
    const before = impactIndexOf(graph);
    const recorded = edgeTableOf(graph);
    graph.addEdge('app:default/b', 'app:default/a', { type: 'dependsOn', inferred: false });
    expect(edgeTableOf(graph)).not.toBe(recorded);
    expect(plain(graph)).toEqual(plain(graph, edgeTableFromGraph(graph)));
    expect(findCycles(graph)).toEqual([{ type: 'dependsOn', ids: ['app:default/a', 'app:default/b'] }]);
    expect(impactIndexOf(graph)).not.toBe(before);
    expect(impactIndexOf(graph).receiver.length).toBe(before.receiver.length + 1);
  });

  it('codes an edge of a type outside the relation table as unknown, and the cycle check skips it', () => {
    const { graph } = buildGraph([ci({ kind: 'App', name: 'a' }), ci({ kind: 'App', name: 'b' })]);
    graph.addEdge('app:default/a', 'app:default/b', { type: 'madeUp' as never, inferred: false });
    graph.addEdge('app:default/b', 'app:default/a', { type: 'madeUp' as never, inferred: false });
    expect([...edgeTableOf(graph).type]).toEqual([UNKNOWN_RELATION, UNKNOWN_RELATION]);
    expect(findCycles(graph)).toEqual([]);
  });

  it('keeps one edge per pair and type, declared before inferred, as graphology would hold them', () => {
    const { graph } = buildGraph([
      ci({
        kind: 'App',
        name: 'a',
        relations: [
          { type: 'dependsOn', target: 'app:b' },
          { type: 'dependsOn', target: 'app:b' },
          { type: 'connectsTo', target: 'app:b' },
          { type: 'dependsOn', target: 'app:a' },
        ],
      }),
      ci({ kind: 'App', name: 'b' }),
    ]);
    expect(graph.size).toBe(3);
    expect(plain(graph)).toEqual(plain(graph, edgeTableFromGraph(graph)));
  });
});
