import type { CIGraph } from '../graph/types.js';
import type { PathStep } from '../incidents/types.js';
import { computeDownSet } from '../impact/down-set.js';
import { impactIndexOf, type ImpactIndex } from '../impact/impact-index.js';
import { IS_CONTAINS, IS_MEMBERSHIP, RECEIVER, TYPE_COUNT } from '../impact/propagation-rules.js';
import { RedundancyGroups } from '../impact/redundancy-groups.js';
import { relationBetween } from '../impact/explain.js';
import { simulateImpact } from '../impact/simulate.js';

export interface RootCauseRequest {
  /** CIs seen failing now (identities). Those not in the graph are returned as `unknown`. */
  readonly failing: readonly string[];
  /**
   * CIs seen healthy now. A hypothesis that would put one of them down is
   * contradicted by it (each costs half a CI in the score). Offline (`plumb
   * why`) nothing is known healthy.
   */
  readonly healthy?: readonly string[];
  /** Hops walked upstream from each failing CI to find candidates (default 12). */
  readonly maxDepth?: number;
  /** Ranked alternative candidates returned (default 5). */
  readonly alternatives?: number;
}

/** Why one failing CI fails under the hypothesis: the shortest path from a cause to it. */
export interface Explanation {
  readonly ci: string;
  /** Cause first, the failing CI last. A cause explains itself with a one-step path. */
  readonly path: readonly PathStep[];
}

/** A set of CIs whose simulated `down` is offered as the reason for what fails. */
export interface Hypothesis {
  /** The suspected root cause: the CIs to simulate down, sorted. */
  readonly cause: readonly string[];
  /** Failing CIs it puts down. */
  readonly explains: number;
  /** Failing CIs it does not put down (then they are causes of their own, in a larger set). */
  readonly unexplained: readonly string[];
  /** CIs seen healthy that it would put down. */
  readonly contradicted: readonly string[];
  /** CIs it puts down that nobody observed either way. */
  readonly unobserved: number;
  /**
   * Lower is better: `|cause| + 0.5·|contradicted| + 0.001·unobserved`, plus
   * one per unexplained failing CI. So a host explains three failing endpoints
   * better than three separate outages do, unless it would also put two CIs
   * down that are seen healthy.
   */
  readonly score: number;
}

export interface RootCauseAnalysis {
  /** Failing CIs in the graph, sorted. */
  readonly failing: readonly string[];
  /** Failing identities the graph does not have. */
  readonly unknown: readonly string[];
  /** The best hypothesis: the smallest set explaining every failing CI (empty when nothing fails). */
  readonly best: Hypothesis;
  /** One explanation per failing CI under `best`, in `failing` order. */
  readonly explanations: readonly Explanation[];
  /** Other hypotheses, best first: single CIs and the best set with one member replaced. */
  readonly alternatives: readonly Hypothesis[];
  /** Candidates examined (for the curious and the benchmark). */
  readonly candidates: number;
}

const CONTRADICTION = 0.5;
const UNOBSERVED = 0.001;

/**
 * The suspected root cause of a set of failures: the smallest set of CIs
 * whose simulated `down` — with the impact rules of engine/impact, redundancy
 * groups and `minUp` included — explains every failing CI, ranked by the
 * score of {@link Hypothesis}, with the path that explains each failure.
 *
 * How:
 *  1. candidates: every failing CI and every CI upstream of one (a CI whose
 *     outage can reach it: dependsOn/runsOn/hostedOn targets, containers,
 *     members of groups), up to `maxDepth` hops;
 *  2. each candidate's down set is simulated alone (computeDownSet), and
 *     scored by the failing CIs it explains, the healthy ones it contradicts
 *     and the unobserved ones it adds;
 *  3. greedy set cover over those, then every member the others make
 *     redundant is dropped, tested by simulating the set jointly — which is
 *     what finds two replicas of a redundancy group, neither of which
 *     explains anything alone;
 *  4. the explanations are the shortest paths of one joint simulation.
 *
 * Greedy cover is not always the minimum (set cover is NP-hard); it is on the
 * usual shapes (one cause, or independent causes), which the benchmark
 * checks on generated graphs (test/bench/why.ts).
 *
 * Cost: one down-set simulation per candidate (linear in what it reaches),
 * i.e. O(candidates × reach); ~20 ms for 10,000 CIs (test/bench/why.ts).
 */
export function analyzeRootCause(graph: CIGraph, req: RootCauseRequest): RootCauseAnalysis {
  const index = impactIndexOf(graph);
  const n = index.ids.length;
  const failingIds = [...new Set(req.failing)].filter((id) => graph.hasNode(id)).sort();
  const unknown = [...new Set(req.failing)].filter((id) => !graph.hasNode(id)).sort();
  const empty: Hypothesis = { cause: [], explains: 0, unexplained: [], contradicted: [], unobserved: 0, score: 0 };
  if (failingIds.length === 0) return { failing: [], unknown, best: empty, explanations: [], alternatives: [], candidates: 0 };

  // 0 unobserved, 1 failing, 2 healthy
  const seen = new Uint8Array(n);
  for (const id of req.healthy ?? []) {
    const k = index.numberOf.get(id);
    if (k !== undefined) seen[k] = 2;
  }
  const failing = failingIds.map((id) => index.numberOf.get(id)!);
  for (const f of failing) seen[f] = 1;

  const all = upstreamOf(index, failing, req.maxDepth ?? 12);
  const inAll = new Uint8Array(n);
  for (const v of all) inAll[v] = 1;
  const dominated = dominatedSet(index, seen, failing, inAll);
  const candidates = all.filter((v) => !dominated[v]);
  const downOf = (sources: readonly number[]): readonly number[] => reachedBy(graph, index, sources);
  const evaluate = (cause: readonly number[], list: readonly number[]): Hypothesis => {
    let explains = 0;
    let unobserved = 0;
    const contradicted: string[] = [];
    const hit = new Set<number>();
    for (const v of list) {
      if (seen[v] === 1) {
        explains++;
        hit.add(v);
      } else if (seen[v] === 2) contradicted.push(index.ids[v]);
      else unobserved++;
    }
    const unexplained = failing.filter((f) => !hit.has(f)).map((f) => index.ids[f]);
    contradicted.sort();
    return {
      cause: cause.map((c) => index.ids[c]).sort(),
      explains,
      unexplained,
      contradicted,
      unobserved,
      // weights are multiples of 0.001: rounding keeps ties exact and the JSON free of float noise
      score: Math.round((cause.length + CONTRADICTION * contradicted.length + UNOBSERVED * unobserved + unexplained.length) * 1000) / 1000,
    };
  };

  // 2. each candidate alone
  const singles: Array<{ node: number; list: readonly number[]; covers: number[]; penalty: number; hypothesis: Hypothesis }> = [];
  for (const c of candidates) {
    const list = downOf([c]);
    const hypothesis = evaluate([c], list);
    const covers = list.filter((v) => seen[v] === 1);
    singles.push({ node: c, list, covers, penalty: CONTRADICTION * hypothesis.contradicted.length + UNOBSERVED * hypothesis.unobserved, hypothesis });
  }

  // Redundancy groups all of whose members are candidates: also a candidate
  // together, since no member alone explains what depends on the group.
  const groups = new RedundancyGroups(graph);
  const isCandidate = new Set(all);
  const joint = new Map<string, number[]>();
  for (const c of candidates) {
    if (!index.hasAlternative[c]) continue;
    const g = groups.of(index.ids[c]);
    if (!g) continue;
    const members = g.members.map((m) => index.numberOf.get(m)!);
    if (members.every((m) => isCandidate.has(m))) joint.set(g.members.join('\n'), members);
  }
  const sets: Array<{ nodes: number[]; list: readonly number[]; covers: number[]; penalty: number }> = singles.map((x) => ({
    nodes: [x.node],
    list: x.list,
    covers: x.covers,
    penalty: x.penalty,
  }));
  for (const members of joint.values()) {
    const list = downOf(members);
    const h = evaluate(members, list);
    sets.push({
      nodes: members,
      list,
      covers: list.filter((v) => seen[v] === 1),
      penalty: CONTRADICTION * h.contradicted.length + UNOBSERVED * h.unobserved + (members.length - 1),
    });
  }

  // 3. greedy cover, then prune by joint simulation
  const uncovered = new Set(failing);
  const chosen: number[] = [];
  while (uncovered.size > 0) {
    let best: (typeof sets)[number] | undefined;
    let bestGain = -Infinity;
    for (const s of sets) {
      let gain = 0;
      for (const v of s.covers) if (uncovered.has(v)) gain++;
      if (gain === 0) continue;
      const value = gain - s.penalty;
      if (value > bestGain || (value === bestGain && best && index.ids[s.nodes[0]] < index.ids[best.nodes[0]])) {
        best = s;
        bestGain = value;
      }
    }
    if (!best) break; // cannot happen: every failing CI covers itself
    for (const node of best.nodes) if (!chosen.includes(node)) chosen.push(node);
    for (const v of best.covers) uncovered.delete(v);
  }
  // Drop members the rest explain jointly (best improvement first, until none helps):
  // this is what turns {app, replica-a, replica-b} into {replica-a, replica-b}.
  let cause = chosen;
  let bestHypothesis = evaluate(cause, downOf(cause));
  for (let improved = true; improved && cause.length > 1; ) {
    improved = false;
    let next: { cause: number[]; h: Hypothesis } | undefined;
    for (const member of cause) {
      const rest = cause.filter((c) => c !== member);
      const h = evaluate(rest, downOf(rest));
      // only members whose failures the others explain jointly: a failure is never left unexplained to save a cause's extras
      if (h.unexplained.length === 0 && h.score < (next?.h.score ?? bestHypothesis.score)) next = { cause: rest, h };
    }
    if (next) {
      cause = next.cause;
      bestHypothesis = next.h;
      improved = true;
    }
  }

  // Alternatives: other single CIs, by score.
  const bestKey = bestHypothesis.cause.join('\n');
  const alternatives = singles
    .map((s) => s.hypothesis)
    .filter((h) => h.cause.join('\n') !== bestKey)
    .sort((a, b) => a.score - b.score || b.explains - a.explains || compare(a.cause[0], b.cause[0]))
    .slice(0, req.alternatives ?? 5);

  return {
    failing: failingIds,
    unknown,
    best: bestHypothesis,
    explanations: explanationsOf(graph, bestHypothesis.cause, failingIds),
    alternatives,
    candidates: candidates.length,
  };
}

/**
 * The shortest path from the cause set to each failing CI (one joint
 * simulation), with the relation of each step. A failing CI the cause does
 * not put down gets a path of itself alone.
 */
export function explanationsOf(graph: CIGraph, cause: readonly string[], failing: readonly string[]): Explanation[] {
  if (cause.length === 0) return failing.map((ci) => ({ ci, path: [{ ci }] }));
  const summary = simulateImpact(graph, { sources: cause, event: 'down' });
  const byId = new Map(summary.affected.filter((a) => a.state === 'down' || a.state === 'degraded').map((a) => [a.id, a.path]));
  return failing.map((ci) => {
    const path = byId.get(ci);
    if (!path) return { ci, path: [{ ci }] };
    return { ci, path: path.map((id, i) => (i === 0 ? { ci: id } : { ci: id, via: relationBetween(graph, path[i - 1], id, 'down') ?? 'unknown' })) };
  });
}

/**
 * What the sources' outage puts down or degrades (numbers, sources first):
 * the down set of computeDownSet, then degradation spreading from it as
 * simulate.ts spreads it — over consumesApi and partOf/memberOf from a down
 * CI, onwards over every relation with an effect but membership — but
 * not from a member whose redundancy group still stands (its dependents
 * failed over), nor from a group still above its `minUp`. A
 * failing CI is explained when its cause degrades it: a consumer of a dead
 * API fails in practice too.
 */
export function reachedBy(graph: CIGraph, index: ImpactIndex, sources: readonly number[]): number[] {
  const { down, masked, list } = computeDownSet(graph, index, sources);
  const { start, receiver, type } = index;
  const out = [...list];
  const onward: number[] = [];
  const degraded = new Uint8Array(index.ids.length);
  const reach = (v: number, spreads: boolean): void => {
    if (down[v] || degraded[v]) return;
    degraded[v] = 1;
    out.push(v);
    if (spreads) onward.push(v);
  };
  for (const u of list) {
    for (let k = start[u]; k < start[u + 1]; k++) {
      const t = type[k];
      if (masked[u] && !IS_CONTAINS[t] && !IS_MEMBERSHIP[t]) continue;
      // A group still above its minUp is degraded, and that is all: a cluster
      // that lost one node of forty does not explain its workloads failing.
      if (IS_MEMBERSHIP[t]) reach(receiver[k], false);
      else if (RECEIVER[t] === 1) reach(receiver[k], true);
    }
  }
  for (let head = 0; head < onward.length; head++) {
    const u = onward[head];
    for (let k = start[u]; k < start[u + 1]; k++) if (!IS_MEMBERSHIP[type[k]] && RECEIVER[TYPE_COUNT + type[k]] === 1) reach(receiver[k], true);
  }
  return out;
}

/** Reverse edges that can carry an outage, per impact index: senders of each CI. */
interface Upstream {
  readonly start: Int32Array;
  readonly sender: Int32Array;
  /** Relation code of each sender entry. */
  readonly type: Uint8Array;
}

const upstreamCache = new WeakMap<ImpactIndex, Upstream>();

function upstreamIndex(index: ImpactIndex): Upstream {
  let up = upstreamCache.get(index);
  if (up) return up;
  const n = index.ids.length;
  const { start, receiver, type } = index;
  const count = new Int32Array(n + 1);
  const carries = (t: number): boolean => RECEIVER[t] === 0 || RECEIVER[t] === 1 || IS_MEMBERSHIP[t] === 1;
  for (let u = 0; u < n; u++) for (let k = start[u]; k < start[u + 1]; k++) if (carries(type[k])) count[receiver[k]]++;
  const s = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) s[v + 1] = s[v] + count[v];
  const fill = s.slice(0, n);
  const sender = new Int32Array(s[n]);
  const senderType = new Uint8Array(s[n]);
  for (let u = 0; u < n; u++) {
    for (let k = start[u]; k < start[u + 1]; k++) {
      if (!carries(type[k])) continue;
      const at = fill[receiver[k]]++;
      sender[at] = u;
      senderType[at] = type[k];
    }
  }
  up = { start: s, sender, type: senderType };
  upstreamCache.set(index, up);
  return up;
}

/**
 * The dominated candidates: those a failing CI's outage reaches (directly or
 * through candidates nobody observed), not from a redundancy-group member,
 * whose dependents fail over. Whatever such a CI explains, that failing CI
 * explains too, and more (itself); and whatever explains that failing CI
 * explains it. So it need not be simulated as a cause of its own — which is
 * what keeps a host with 5,000 failing dependents to a handful of
 * simulations. (One walk over the candidates' edges.)
 */
function dominatedSet(index: ImpactIndex, seen: Uint8Array, failing: readonly number[], isCandidate: Uint8Array): Uint8Array {
  const { start, receiver, type } = index;
  const dominated = new Uint8Array(index.ids.length);
  const visited = new Uint8Array(index.ids.length);
  const queue: number[] = [];
  for (const f of failing) {
    visited[f] = 1;
    queue.push(f);
  }
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head];
    const alt = index.hasAlternative[u] === 1;
    for (let k = start[u]; k < start[u + 1]; k++) {
      const t = type[k];
      if (!(RECEIVER[t] === 0 || RECEIVER[t] === 1 || IS_MEMBERSHIP[t] === 1)) continue;
      if (alt && !IS_CONTAINS[t] && !IS_MEMBERSHIP[t]) continue;
      const v = receiver[k];
      if (!isCandidate[v] || v === u) continue;
      dominated[v] = 1;
      if (!visited[v]) {
        visited[v] = 1;
        if (seen[v] !== 1) queue.push(v); // failing CIs are sources already
      }
    }
  }
  return dominated;
}

/** The failing CIs and every CI within `maxDepth` hops upstream of one, sorted by number. */
function upstreamOf(index: ImpactIndex, failing: readonly number[], maxDepth: number): number[] {
  const up = upstreamIndex(index);
  const depth = new Int32Array(index.ids.length).fill(-1);
  const queue: number[] = [];
  for (const f of failing) {
    if (depth[f] === -1) {
      depth[f] = 0;
      queue.push(f);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    if (depth[v] >= maxDepth) continue;
    for (let k = up.start[v]; k < up.start[v + 1]; k++) {
      const u = up.sender[k];
      if (depth[u] === -1) {
        depth[u] = depth[v] + 1;
        queue.push(u);
      }
    }
  }
  return queue.sort((a, b) => a - b);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
