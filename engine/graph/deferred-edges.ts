import { RELATION_TYPES } from '../model/relations.js';
import { recordEdgeTable, type EdgeTable } from './edge-table.js';
import type { CIGraph, EdgeAttributes } from './types.js';

/**
 * A graph's edges held as numbers until something asks graphology for one
 * ({@link deferEdges}): the edge table and whether each edge was inferred.
 */
export interface DeferredEdges extends EdgeTable {
  /** 1 for an inferred edge. */
  readonly inferred: Uint8Array;
}

/**
 * Members a graph answers from its nodes alone, so they never add the
 * deferred edges: node lookups, node iteration, the node count. Everything
 * else graphology offers — every edge, neighbour and degree query, `size`,
 * every change, export, copy and inspection — adds them first.
 */
const NODE_ONLY: ReadonlySet<PropertyKey> = new Set([
  'constructor',
  'hasNode',
  'getNodeAttribute',
  'getNodeAttributes',
  'nodes',
  'forEachNode',
  'nodeEntries',
  'mapNodes',
  'filterNodes',
  'reduceNodes',
  'findNode',
  'someNode',
  'everyNode',
  'order',
]);

const deferred = new WeakMap<CIGraph, DeferredEdges>();

/**
 * Leaves `edges` out of `graph` (whose nodes are `edges.ids`, in that order)
 * until graphology is first asked anything about edges, then adds them in
 * table order, as {@link buildGraph} added them: the same graph, edge keys
 * and iteration orders included. Until then the edge table is recorded for
 * the graph (edge-table.ts), so the impact index and {@link deferredEdgesOf}'s
 * readers (the plan's waves) work from the numbers.
 *
 * Why: a warm plan of a repository nothing changed in takes its graph from
 * the graph index (graph-index.ts) and reads only nodes, the edge table and
 * the changed CIs' edges; adding 166k edges to graphology was 0.4–0.5 CPU-s of
 * a warm 100k plan, and its per-edge objects a share of the GC. A caller that
 * does read edges (policies, `plumb graph`, the TUI) pays that once, on first
 * use.
 *
 * How: every graphology method and edge-counting getter is shadowed on the
 * instance by one that first removes the shadows and adds the edges; only
 * {@link NODE_ONLY} members are left alone. graphology's change events fire for
 * the added edges as for any addition (a derived value kept per graph is
 * dropped and rebuilt), and the edge table is recorded again afterwards.
 */
export function deferEdges(graph: CIGraph, edges: DeferredEdges): void {
  const shadowed: { key: PropertyKey; own?: PropertyDescriptor }[] = [];
  let added = false;
  const addEdges = (): void => {
    if (added) return;
    added = true;
    deferred.delete(graph);
    for (const { key, own } of shadowed) {
      delete (graph as unknown as Record<PropertyKey, unknown>)[key];
      if (own) Object.defineProperty(graph, key, own);
    }
    const { ids, source, target, type, inferred } = edges;
    for (let e = 0; e < source.length; e++) {
      graph.addEdge(ids[source[e]], ids[target[e]], { type: RELATION_TYPES[type[e]].type as EdgeAttributes['type'], inferred: inferred[e] === 1 });
    }
    recordEdgeTable(graph, edges);
  };
  const target = graph as unknown as Record<PropertyKey, unknown>;
  // the instance's own edge-counting getters (graphology defines size, directedSize … on each graph)
  for (const key of Reflect.ownKeys(graph)) {
    const own = Object.getOwnPropertyDescriptor(graph, key)!;
    if (NODE_ONLY.has(key) || !own.get || !own.configurable) continue;
    shadowed.push({ key, own });
    Object.defineProperty(graph, key, {
      configurable: true,
      enumerable: own.enumerable,
      get: () => {
        addEdges();
        return target[key];
      },
    });
  }
  // every method up to the event emitter's (listening to the graph needs no edge)
  const seen = new Set<PropertyKey>();
  for (let proto = Object.getPrototypeOf(graph); proto && proto !== Object.prototype && !Object.hasOwn(proto, 'emit'); proto = Object.getPrototypeOf(proto)) {
    for (const key of Reflect.ownKeys(proto)) {
      if (NODE_ONLY.has(key) || seen.has(key) || Object.hasOwn(graph, key)) continue;
      seen.add(key);
      const member = Object.getOwnPropertyDescriptor(proto, key)!;
      if (typeof member.value === 'function') {
        shadowed.push({ key });
        Object.defineProperty(graph, key, {
          configurable: true,
          writable: true,
          value: (...args: unknown[]) => {
            addEdges();
            return (target[key] as (...a: unknown[]) => unknown)(...args);
          },
        });
      } else if (member.get) {
        shadowed.push({ key });
        Object.defineProperty(graph, key, {
          configurable: true,
          get: () => {
            addEdges();
            return target[key];
          },
        });
      }
    }
  }
  deferred.set(graph, edges);
  recordEdgeTable(graph, edges);
}

/** The edges {@link deferEdges} still holds back from `graph`, or undefined (none deferred, or added since). */
export function deferredEdgesOf(graph: CIGraph): DeferredEdges | undefined {
  return deferred.get(graph);
}
