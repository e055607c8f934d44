import type { CIGraph } from '../graph/types.js';
import { RELATION_TYPES, RELATIONS } from '../model/relations.js';
import { edgeTableOf } from '../graph/edge-table.js';
import { GraphMemo } from '../graph/graph-memo.js';

/**
 * The graph as flat arrays for the impact walk: CIs numbered 0…n-1, and for
 * each CI the receivers its failure travels to (compressed sparse rows).
 *
 * Why: graphology's per-node edge iteration costs ~1 µs a call, a hub's blast
 * radius touches tens of thousands of nodes, and one pass over all edges is
 * ten times cheaper than visiting every node's edges. Built in one pass over
 * the graph's edge table (engine/graph/edge-table.ts, recorded by buildGraph), cached per graph, and dropped as
 * soon as the graph emits any change event — so a long-lived graph (TUI,
 * controller) answers many simulations from one index and never a stale one.
 */
export interface ImpactIndex {
  /** Number → identity. */
  readonly ids: readonly string[];
  /** Identity → number. */
  readonly numberOf: ReadonlyMap<string, number>;
  /** Receivers of CI i are `receiver[start[i] … start[i+1])`. */
  readonly start: Int32Array;
  readonly receiver: Int32Array;
  /** Relation of each receiver entry: an index into RELATION_TYPES. */
  readonly type: Uint8Array;
  /** 1 when the CI has an alternativeTo edge (it may be in a redundancy group). */
  readonly hasAlternative: Uint8Array;
  /** 1 when the CI is of kind BusinessService. */
  readonly isBusinessService: Uint8Array;
  /** Distinct CIs with a partOf or memberOf edge into the CI, plus those the graph leaves out (NodeAttributes.members): its members, for `spec.minUp`. */
  readonly memberCount: Int32Array;
}

/** Index of each relation type in RELATION_TYPES, the code `ImpactIndex.type` holds. */
export const TYPE_CODE: ReadonlyMap<string, number> = new Map(RELATION_TYPES.map((r, i) => [r.type, i]));

/** Per relation type, what building the index needs of it, in one lookup per edge. */
const EDGE_RULES: readonly { code: number; forward: boolean; backward: boolean; alternative: boolean; membership: boolean }[] = RELATION_TYPES.map(
  (r, code) => ({
    code,
    forward: RELATIONS.get(r.type)!.travels === 'source-to-target' || RELATIONS.get(r.type)!.travels === 'both',
    backward: RELATIONS.get(r.type)!.travels === 'target-to-source' || RELATIONS.get(r.type)!.travels === 'both',
    alternative: r.type === 'alternativeTo',
    membership: r.type === 'partOf' || r.type === 'memberOf',
  }),
);

const cache = new GraphMemo<ImpactIndex>();

/** The index of `graph`, built on first use and after any change to the graph. */
export function impactIndexOf(graph: CIGraph): ImpactIndex {
  let index = cache.get(graph);
  if (!index) {
    index = buildImpactIndex(graph);
    cache.set(graph, index);
  }
  return index;
}

function buildImpactIndex(graph: CIGraph): ImpactIndex {
  // the graph's numbered nodes and edges (engine/graph/edge-table.ts: recorded by buildGraph, else read once)
  const { ids, numberOf, source, target, type: code } = edgeTableOf(graph);
  const n = ids.length;
  const isBusinessService = new Uint8Array(n);
  const memberCount = new Int32Array(n);
  let i = 0;
  graph.forEachNode((_id, attrs) => {
    if (attrs.ci?.kind === 'BusinessService') isBusinessService[i] = 1;
    if (attrs.members) memberCount[i] = attrs.members;
    i++;
  });
  // Pass 1: every (sender, receiver, type) triple, and a count per sender.
  const max = code.length * 2;
  const from = new Int32Array(max);
  const to = new Int32Array(max);
  const kind = new Uint8Array(max);
  const count = new Int32Array(n + 1);
  const hasAlternative = new Uint8Array(n);
  /** Member pairs already counted, as sender × n + receiver (partOf and memberOf of the same pair: one member). */
  const memberships = new Set<number>();
  let m = 0;
  for (let e = 0; e < code.length; e++) {
    const rule = EDGE_RULES[code[e]];
    if (rule === undefined) continue;
    const s = source[e];
    const t = target[e];
    if (rule.alternative) hasAlternative[s] = hasAlternative[t] = 1;
    if (rule.membership && !memberships.has(s * n + t)) {
      memberships.add(s * n + t);
      memberCount[t]++;
    }
    if (rule.backward) {
      from[m] = t;
      to[m] = s;
      kind[m++] = rule.code;
      count[t]++;
    }
    if (rule.forward) {
      from[m] = s;
      to[m] = t;
      kind[m++] = rule.code;
      count[s]++;
    }
  }
  // Pass 2: counting sort into rows.
  const start = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) start[k + 1] = start[k] + count[k];
  const fill = start.slice(0, n);
  const receiver = new Int32Array(m);
  const type = new Uint8Array(m);
  for (let k = 0; k < m; k++) {
    const at = fill[from[k]]++;
    receiver[at] = to[k];
    type[at] = kind[k];
  }
  return { ids, numberOf, start, receiver, type, hasAlternative, isBusinessService, memberCount };
}

/** CIs in identity order: `rank[node]` is its position, `node[rank]` the inverse. */
export interface IdentityOrder {
  readonly rank: Int32Array;
  readonly node: Int32Array;
}

const orders = new WeakMap<ImpactIndex, IdentityOrder>();

/**
 * The CIs sorted by identity (UTF-16 code units), once per index. Ordering a
 * blast radius of tens of thousands of CIs by identity was the largest part of
 * a simulation (about a third, profiled); with ranks it is a typed-array sort
 * of integers, and the one string sort is shared by every simulation on the
 * graph — a plan simulates each change, policies and the TUI simulate again.
 */
export function identityOrder(index: ImpactIndex): IdentityOrder {
  let order = orders.get(index);
  if (!order) {
    const sorted = index.ids.slice().sort();
    const rank = new Int32Array(sorted.length);
    const node = new Int32Array(sorted.length);
    for (let r = 0; r < sorted.length; r++) {
      const n = index.numberOf.get(sorted[r])!;
      rank[n] = r;
      node[r] = n;
    }
    order = { rank, node };
    orders.set(index, order);
  }
  return order;
}
