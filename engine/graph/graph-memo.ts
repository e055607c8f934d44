import type { CIGraph } from './types.js';

/** graphology's events for any change to a graph's nodes, edges or their attributes. */
const CHANGE_EVENTS = [
  'nodeAdded',
  'edgeAdded',
  'nodeDropped',
  'edgeDropped',
  'cleared',
  'edgesCleared',
  'nodeAttributesUpdated',
  'edgeAttributesUpdated',
  'eachNodeAttributesUpdated',
  'eachEdgeAttributesUpdated',
] as const;

/**
 * A value derived from a graph (its edge table, its impact index), kept per graph until the graph changes: the
 * first {@link set} for a graph listens once to every graphology change event, and any of them forgets the value.
 * Held weakly: a graph no longer used takes its value with it.
 */
export class GraphMemo<T> {
  private readonly values = new WeakMap<CIGraph, T>();
  private readonly watched = new WeakSet<CIGraph>();

  /** The value kept for `graph`, or undefined (none yet, or the graph changed since). */
  get(graph: CIGraph): T | undefined {
    return this.values.get(graph);
  }

  /** Keeps `value` for `graph` until the graph changes (the caller vouches that it describes the graph as it is now). */
  set(graph: CIGraph, value: T): void {
    this.values.set(graph, value);
    if (this.watched.has(graph)) return;
    this.watched.add(graph);
    const drop = (): void => void this.values.delete(graph);
    for (const event of CHANGE_EVENTS) graph.on(event, drop);
  }
}
