import { RELATION_TYPES } from '../model/relations.js';
import type { CIGraph } from './types.js';
import { GraphMemo } from './graph-memo.js';

/**
 * A CI graph's nodes and edges as numbers: nodes 0…n-1 in the graph's node
 * order, edges in the graph's edge order as three parallel typed arrays. The
 * passes that need every edge at once — the cycle check (find-cycles.ts) and
 * the impact index (engine/impact/impact-index.ts) — read this instead of
 * iterating graphology's nodes and edges (at 100k CIs / 166k edges, each such
 * pass cost 0.2–0.3 CPU-s with a Map of 100k identities of its own).
 *
 * Built once per graph, in one pass over its nodes and one over its edges,
 * and shared: a plan's cycle check and impact index read one table and one
 * Map of identities instead of two. Any graphology change event drops it, so
 * a long-lived graph (TUI, controller) never reads a stale one.
 */
export interface EdgeTable {
  /** Node number → identity, in the graph's node order. */
  readonly ids: readonly string[];
  /** Identity → node number. */
  readonly numberOf: ReadonlyMap<string, number>;
  /** Edge e goes from node `source[e]` to node `target[e]`, of relation `RELATION_TYPES[type[e]]` (an unknown type: 255). */
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly type: Uint8Array;
}

/** Relation type → its index in RELATION_TYPES, the code {@link EdgeTable.type} holds. */
export const RELATION_CODE: ReadonlyMap<string, number> = new Map(RELATION_TYPES.map((r, i) => [r.type, i]));

/** The code of an edge whose type is not a relation type (a graph built by hand). */
export const UNKNOWN_RELATION = 255;

const tables = new GraphMemo<EdgeTable>();

/** Keeps `table` as `graph`'s until the graph changes (the caller vouches that it describes the graph as it is now). */
export function recordEdgeTable(graph: CIGraph, table: EdgeTable): void {
  tables.set(graph, table);
}

/** The table of `graph`: the one recorded for it, else built from it (and kept until it changes). */
export function edgeTableOf(graph: CIGraph): EdgeTable {
  let table = tables.get(graph);
  if (!table) {
    table = edgeTableFromGraph(graph);
    recordEdgeTable(graph, table);
  }
  return table;
}

/** The table read from the graph itself, one pass over its nodes and one over its edges. */
export function edgeTableFromGraph(graph: CIGraph): EdgeTable {
  const ids = graph.nodes();
  const numberOf = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) numberOf.set(ids[i], i);
  const size = graph.size;
  const source = new Int32Array(size);
  const target = new Int32Array(size);
  const type = new Uint8Array(size);
  let e = 0;
  graph.forEachEdge((_edge, attributes, s, t) => {
    source[e] = numberOf.get(s)!;
    target[e] = numberOf.get(t)!;
    type[e++] = RELATION_CODE.get(attributes.type) ?? UNKNOWN_RELATION;
  });
  return { ids, numberOf, source, target, type };
}
