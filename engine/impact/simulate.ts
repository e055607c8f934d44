import type { CIGraph } from '../graph/types.js';
import { PlumbError } from '../model/errors.js';
import { STATE_RANK, type ImpactState } from '../model/relations.js';
import type { AffectedCI, ImpactSummary } from './types.js';
import { computeDownSet } from './down-set.js';
import { identityOrder, impactIndexOf, type IdentityOrder, type ImpactIndex } from './impact-index.js';
import { SearchScratch, searchByLevel, type Emit, type Settled } from './level-search.js';
import { IS_CONTAINS, IS_MEMBERSHIP, RECEIVER, STATES, TYPE_COUNT } from './propagation-rules.js';
import { riskOf } from './risk.js';

export type ImpactEvent = ImpactSummary['event'];

export interface ImpactRequest {
  /** CI identities (`kind:namespace/name`) that fail, are deleted or are changed. */
  readonly sources: readonly string[];
  readonly event: ImpactEvent;
  /**
   * For `delete`: objects the sources' deletion removes with them (a Namespace's
   * contents, a CRD's custom resources). Each counts as one more delete in the
   * risk score (`riskOf`'s `deletes`); the graph's `contains` edges carry the state.
   */
  readonly cascaded?: readonly string[];
}

/**
 * What the sources hit when they go down, are deleted, or are changed — the
 * blast radius, per docs/architecture.md "Relations and impact".
 *
 * Semantics, where the table is silent (see propagation-rules.ts for the
 * per-edge rule):
 *  - `down` and `delete` put the sources down. `contains` carries down in both:
 *    a host that goes down takes its VMs with it, a deleted host deletes them
 *    (a deleted CI is reported `down`; the event says it is gone). So the two
 *    events hit the same CIs; the risk counts a delete higher.
 *  - partOf/memberOf: the group is `degraded` while at least `spec.minUp`
 *    (default 1) members are up, `down` below that.
 *  - alternativeTo forms redundancy groups (connected components). While one
 *    member is up, what depends on a down member (dependsOn, runsOn, hostedOn,
 *    consumesApi, backedUpBy, connectsTo) is only `at-risk`: it has failed over
 *    and lost its spare. What the member contains, and the groups it is a
 *    member of, see it down regardless. Once all members are down, each passes
 *    on its outage as usual. (So redundancy is the one non-monotone rule: a
 *    member that is down and failed over from hurts its dependents less than
 *    one that is merely degraded, which nobody fails over from.)
 *  - `change`: computed as `down`, then every CI hit is reported `at-risk` with
 *    `wouldBe`, the state it reaches if the change fails; business services are
 *    reported `at-risk` too, and the risk uses the would-be states.
 *  - The sources are listed in `sources`, never in `affected` (whatever the
 *    event); a source that is a BusinessService is listed in `businessServices`.
 *  - depth: hops of the shortest explanation for the CI's worst state; path:
 *    that explanation, source first, CI last (ties broken by smallest identity).
 *  - Order: affected by state, would-be state, depth, identity; business
 *    services by state, would-be state, identity (identities compared by code unit).
 * Throws `impact.unknown-source` for a source that is not in the graph.
 *
 * Cost: linear in the edges of what is reached (plus sorting what is reached
 * by identity), over a flat index of the graph (impact-index.ts) built once
 * per graph. Measured by test/bench/impact.ts.
 */
export function simulateImpact(graph: CIGraph, req: ImpactRequest): ImpactSummary {
  const sourceIds = [...new Set(req.sources)].sort();
  if (sourceIds.length === 0) {
    throw new PlumbError('impact.no-source', 'impact needs at least one source CI', { hint: 'name a CI, e.g. `plumb impact database:shop/orders-db`' });
  }
  for (const s of sourceIds) {
    if (!graph.hasNode(s)) {
      throw new PlumbError('impact.unknown-source', `no CI ${s} in the graph`, { hint: 'check the reference with `plumb graph -o json`', data: { ci: s } });
    }
  }
  const index = impactIndexOf(graph);
  const sources = sourceIds.map((s) => index.numberOf.get(s)!);
  const scratch = acquireScratch(index);
  let summary: ImpactSummary;
  try {
    summary = simulateOn(graph, index, scratch, req, sourceIds, sources);
  } catch (e) {
    // what a failed simulation wrote is not known: its arrays are not reused
    if (scratches.get(index) === scratch) scratches.delete(index);
    throw e;
  }
  releaseScratch(scratch);
  return summary;
}

/**
 * The per-CI arrays of a simulation, one set per index, reused: a plan
 * simulates each change alone, and fresh arrays of the whole graph per
 * simulation were O(CIs) each (1.3 GB allocated for 1,000 changes at 100k
 * CIs). A simulation clears what it touched ({@link releaseScratch}); one
 * running inside another (never today) gets arrays of its own.
 */
interface Scratch {
  readonly search: SearchScratch;
  readonly down: Uint8Array;
  readonly masked: Uint8Array;
  /** The CIs the down set marked, for clearing. */
  touched?: readonly number[];
  /** The CIs the search settled, for clearing. */
  settled?: readonly number[];
  busy: boolean;
}

const scratches = new WeakMap<ImpactIndex, Scratch>();

function acquireScratch(index: ImpactIndex): Scratch {
  const size = index.ids.length;
  const kept = scratches.get(index);
  if (kept && !kept.busy) {
    kept.busy = true;
    return kept;
  }
  const fresh: Scratch = { search: new SearchScratch(size), down: new Uint8Array(size), masked: new Uint8Array(size), busy: true };
  if (!kept) scratches.set(index, fresh);
  return fresh;
}

function releaseScratch(scratch: Scratch): void {
  for (const node of scratch.touched ?? []) scratch.down[node] = scratch.masked[node] = 0;
  scratch.search.reset(scratch.settled ?? []);
  scratch.touched = scratch.settled = undefined;
  scratch.busy = false;
}

function simulateOn(
  graph: CIGraph,
  index: ImpactIndex,
  scratch: Scratch,
  req: ImpactRequest,
  sourceIds: readonly string[],
  sources: readonly number[],
): ImpactSummary {
  const { ids, start, receiver, type } = index;
  const { down, masked, list } = computeDownSet(graph, index, sources, scratch);
  scratch.touched = list;
  const expand = (node: number, state: number, emit: Emit): void => {
    const end = start[node + 1];
    if (state !== 0) {
      for (let k = start[node]; k < end; k++) emit(receiver[k], RECEIVER[state * TYPE_COUNT + type[k]]);
    } else {
      const failedOver = masked[node] === 1;
      for (let k = start[node]; k < end; k++) {
        const v = receiver[k];
        const t = type[k];
        if (IS_MEMBERSHIP[t]) emit(v, down[v] ? 0 : 1);
        // Dependents of a member whose group is still up have failed over: at risk.
        else if (failedOver && !IS_CONTAINS[t]) emit(v, RECEIVER[t] === -1 ? -1 : 2);
        // The down set is the fixpoint: an edge only explains a CI that really went down.
        else if (RECEIVER[t] !== 0 || down[v]) emit(v, RECEIVER[t]);
      }
    }
  };
  const order = identityOrder(index);
  const settled = searchByLevel(ids.length, sources, expand, (a, b) => order.rank[a] < order.rank[b], scratch.search);
  scratch.settled = settled.order;
  const cascaded = new Set(req.cascaded ?? []);
  for (const s of sourceIds) cascaded.delete(s);
  return summarize(graph, index, order, req.event, sourceIds, settled, sourceIds.length + cascaded.size);
}

function summarize(
  graph: CIGraph,
  index: ImpactIndex,
  order: IdentityOrder,
  event: ImpactEvent,
  sources: readonly string[],
  settled: Settled,
  deletes: number,
): ImpactSummary {
  const { ids } = index;
  const change = event === 'change';
  // Settle order is by state, then depth, and a parent always comes before its
  // children, so paths can be built in that order.
  // by CI number, for the settled CIs only (an array of the whole graph per simulation was most of a plan's garbage)
  const paths = new Map<number, string[]>();
  const states: ImpactState[] = [];
  for (const node of settled.order) {
    const parent = settled.parent[node];
    // concat, not a spread: in a fresh process this runs unoptimised, where a spread walks the iterator protocol
    paths.set(node, parent === -1 ? [ids[node]] : paths.get(parent)!.concat(ids[node]));
    states.push(STATES[settled.state[node]]);
  }
  // Only identities are left to order, within each run of equal state and depth
  // (sorting numbers by identity is far cheaper than sorting result objects).
  const sorted = sortRunsById(settled, order);
  const affected: AffectedCI[] = [];
  // business services by state, would-be state and identity: one number each (sorting objects with a comparator
  // of three lookups was most of a summary's time at 100k CIs, ~900 services per simulation)
  const n = ids.length;
  const serviceKeys: number[] = [];
  for (const node of sorted) {
    const id = ids[node];
    const state = STATES[settled.state[node]];
    if (index.isBusinessService[node]) {
      const shown = change ? 'at-risk' : state;
      serviceKeys.push((STATE_RANK[shown] * 4 + STATE_RANK[state]) * n + order.rank[node]);
    }
    if (settled.parent[node] === -1) continue; // a source
    const depth = settled.depth[node];
    const path = paths.get(node)!;
    affected.push(change ? { id, state: 'at-risk', depth, path, wouldBe: state } : { id, state, depth, path });
  }
  const keys = Float64Array.from(serviceKeys).sort();
  const services = Array.from(keys, (key) => {
    const node = order.node[key % n];
    const id = ids[node];
    const state = STATES[settled.state[node]];
    const criticality = criticalityOf(graph.getNodeAttribute(id, 'ci').object);
    return { id, criticality, state: change ? ('at-risk' as const) : state, wouldBe: state };
  });
  return {
    sources,
    event,
    affected,
    businessServices: services.map(({ id, criticality, state }) => ({ id, criticality, state })),
    risk: riskOf({ event, states, businessServices: services.map((s) => ({ criticality: s.criticality, state: s.wouldBe })), deletes }),
  };
}

/** The settle order with each run of equal state and depth sorted by identity (by rank: integers, not strings). */
function sortRunsById(settled: Settled, order: IdentityOrder): number[] {
  const settledOrder = settled.order;
  const out: number[] = [];
  for (let i = 0; i < settledOrder.length; ) {
    let j = i + 1;
    const state = settled.state[settledOrder[i]];
    const depth = settled.depth[settledOrder[i]];
    while (j < settledOrder.length && settled.state[settledOrder[j]] === state && settled.depth[settledOrder[j]] === depth) j++;
    const ranks = new Int32Array(j - i);
    for (let k = i; k < j; k++) ranks[k - i] = order.rank[settledOrder[k]];
    ranks.sort();
    for (const r of ranks) out.push(order.node[r]);
    i = j;
  }
  return out;
}

/** `spec.criticality` of a BusinessService as written, or `unknown`. */
function criticalityOf(object: Readonly<Record<string, unknown>>): string {
  const spec = object.spec as Record<string, unknown> | undefined;
  const value = spec?.criticality;
  return typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : 'unknown';
}
