import { DirectedGraph } from 'graphology';
import { topologicalGenerations } from 'graphology-dag';
import { deferredEdgesOf, type DeferredEdges } from '../graph/deferred-edges.js';
import type { CIGraph } from '../graph/types.js';
import { RELATION_TYPES } from '../model/relations.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { orderingOf } from './ordering.js';
import { kindRank } from './kind-order.js';

export interface WavesInput {
  /** The graph the created and updated CIs live in (the desired graph). */
  readonly graph: CIGraph;
  /** Identities to create or update. */
  readonly applied: readonly string[];
  /** Identities to delete. */
  readonly deleted: readonly string[];
  /** The graph the deleted CIs live in (the base graph of a review); default `graph`. */
  readonly deleteGraph?: CIGraph;
}

export interface WavesResult {
  /** Identity → wave, 1-based; creates/updates first, then deletes. */
  readonly waves: ReadonlyMap<string, number>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Assigns apply waves (Terraform's ordering, with plumb's relation types):
 * creates and updates in dependency order (see ordering.ts for which end of
 * each relation goes first), then deletes in the reverse order — dependents
 * before what they depended on — in waves after the last create/update wave, so
 * an update that drops a reference to a CI lands before that CI disappears.
 *
 * A changed CI's wave is 1 + the largest number of *changed* CIs on any chain
 * of prerequisites before it, so the order holds transitively through
 * unchanged CIs (A depends on C, C on B, only A and B changed: B in wave 1, A in
 * wave 2) and no wave is wasted on unchanged ones. Cost: one walk over the
 * prerequisites of the changed CIs plus a topological sort of that closure —
 * linear in its size, never over all pairs of CIs.
 */
export function topologicalWaves(input: WavesInput): WavesResult {
  const diagnostics: Diagnostic[] = [];
  const waves = new Map<string, number>();
  const forward = byKind(phaseWaves(input.graph, input.applied, false, diagnostics), input.graph, false);
  let last = 0;
  for (const [id, wave] of forward) {
    waves.set(id, wave);
    last = Math.max(last, wave);
  }
  const deleteGraph = input.deleteGraph ?? input.graph;
  for (const [id, wave] of byKind(phaseWaves(deleteGraph, input.deleted, true, diagnostics), deleteGraph, true)) {
    waves.set(id, last + wave);
  }
  return { waves, diagnostics };
}

/**
 * Splits each topological wave by Kubernetes kind, in Helm's and kapp's install
 * order (kind-order.ts; reversed for deletes), and numbers the result 1, 2, …:
 * the dependency order still holds (a wave only splits), and within it the
 * kinds go in the order people trust — ServiceAccounts and Roles before the
 * bindings that name them, the Service before its workload, APIServices and
 * webhooks last.
 */
function byKind(waves: ReadonlyMap<string, number>, graph: CIGraph, reverse: boolean): Map<string, number> {
  const key = (id: string) => {
    const rank = kindRank(graph.hasNode(id) ? graph.getNodeAttribute(id, 'ci') : undefined);
    return waves.get(id)! * 1000 + (reverse ? 999 - rank : rank);
  };
  const keys = [...new Set([...waves.keys()].map(key))].sort((a, b) => a - b);
  const number = new Map(keys.map((k, i) => [k, i + 1]));
  return new Map([...waves.keys()].map((id) => [id, number.get(key(id))!]));
}

/**
 * A Service's inferred edge to the workloads its selector picks says where its
 * traffic fails over from (impact), not what must exist first: Kubernetes, Helm
 * and kapp create the Service before the workload, and so does plumb.
 */
function ordersApply(graph: CIGraph, source: string, inferred: boolean): boolean {
  if (!inferred) return true;
  const ci = graph.getNodeAttribute(source, 'ci');
  return !(ci?.kubernetes && ci.kind === 'Service' && ci.apiVersion === 'v1');
}

/** The nodes that must come before `id` (or, reversed, after it). */
function prerequisites(graph: CIGraph, id: string, reverse: boolean): string[] {
  const out: string[] = [];
  const held = deferredEdgesOf(graph);
  if (held) {
    // edges not yet added to graphology (deferred-edges.ts): the same ones, read from their numbers
    const { ids, numberOf, source, target, type, inferred } = held;
    const { start, entry } = incidenceOf(held);
    const n = numberOf.get(id)!;
    for (let k = start[n]; k < start[n + 1]; k++) {
      const outgoing = entry[k] >= 0;
      const e = outgoing ? entry[k] : ~entry[k];
      const order = orderingOf(RELATION_TYPES[type[e]].type);
      const from = ids[source[e]];
      if (order !== (outgoing === reverse ? 'source-first' : 'target-first') || !ordersApply(graph, from, inferred[e] === 1)) continue;
      out.push(outgoing ? ids[target[e]] : from);
    }
    return out;
  }
  graph.forEachOutEdge(id, (_e, attrs, source, target) => {
    const order = orderingOf(attrs.type);
    if (order === (reverse ? 'source-first' : 'target-first') && ordersApply(graph, source, attrs.inferred)) out.push(target);
  });
  graph.forEachInEdge(id, (_e, attrs, source) => {
    const order = orderingOf(attrs.type);
    if (order === (reverse ? 'target-first' : 'source-first') && ordersApply(graph, source, attrs.inferred)) out.push(source);
  });
  return out;
}

function phaseWaves(graph: CIGraph, ids: readonly string[], reverse: boolean, diagnostics: Diagnostic[]): Map<string, number> {
  const result = new Map<string, number>();
  const changed = new Set(ids);
  // 1. The closure of prerequisites of the changed CIs: only these can order them.
  const order = new DirectedGraph();
  const queue: string[] = [];
  for (const id of changed) {
    if (!graph.hasNode(id)) {
      result.set(id, 1); // not in this graph (e.g. an observed-only object): nothing orders it
      continue;
    }
    order.addNode(id);
    queue.push(id);
  }
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const before of prerequisites(graph, id, reverse)) {
      if (before === id) continue;
      if (!order.hasNode(before)) {
        order.addNode(before);
        queue.push(before);
      }
      order.mergeEdge(before, id);
    }
  }
  // 2. Walk it in topological order, counting changed CIs along the longest chain.
  let generations: string[][];
  try {
    generations = topologicalGenerations(order);
  } catch {
    diagnostics.push({
      severity: 'warning',
      code: 'plan.wave-cycle',
      message: `the ${reverse ? 'deleted' : 'changed'} CIs are ordered in a cycle by their relations; they are planned in one wave`,
      hint: 'check for a pair of relations that order two CIs both ways (e.g. dependsOn one way and contains the other)',
    });
    for (const id of queue) if (changed.has(id)) result.set(id, 1);
    return result;
  }
  const before = new Map<string, number>();
  for (const generation of generations) {
    for (const id of generation) {
      let w = 0;
      order.forEachInNeighbor(id, (u) => {
        w = Math.max(w, (before.get(u) ?? 0) + (changed.has(u) ? 1 : 0));
      });
      before.set(id, w);
      if (changed.has(id)) result.set(id, w + 1);
    }
  }
  return result;
}

/**
 * Each node's edges as one list, out-edges (e) then in-edges (~e), as
 * graphology's forEachOutEdge and forEachInEdge visit them: compressed rows over
 * the deferred edge table, built once per table.
 */
function incidenceOf(held: DeferredEdges): { start: Int32Array; entry: Int32Array } {
  let built = incidences.get(held);
  if (built) return built;
  const { ids, source, target } = held;
  const count = new Int32Array(ids.length + 1);
  for (let e = 0; e < source.length; e++) {
    count[source[e]]++;
    count[target[e]]++;
  }
  const start = new Int32Array(ids.length + 1);
  for (let n = 0; n < ids.length; n++) start[n + 1] = start[n] + count[n];
  const fill = start.slice(0, ids.length);
  const entry = new Int32Array(source.length * 2);
  for (let e = 0; e < source.length; e++) entry[fill[source[e]]++] = e;
  for (let e = 0; e < source.length; e++) entry[fill[target[e]]++] = ~e;
  built = { start, entry };
  incidences.set(held, built);
  return built;
}

const incidences = new WeakMap<DeferredEdges, { start: Int32Array; entry: Int32Array }>();
