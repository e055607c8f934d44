import type { CIGraph } from '../graph/types.js';
import { RELATIONS, STATE_RANK, type ImpactState } from '../model/relations.js';
import type { ImpactSummary } from './types.js';
import { receiverState } from './propagation-rules.js';

/** One CI in the "why" tree: it is affected because its parent is. */
export interface WhyNode {
  readonly id: string;
  /** The reported state (at-risk for every CI of a `change`). */
  readonly state: ImpactState;
  /** For `change`: the state it reaches if the change fails. */
  readonly wouldBe?: ImpactState;
  readonly depth: number;
  /**
   * The relation that carried the impact, read from this CI towards its
   * parent: `dependsOn` when this CI depends on the parent, `hasMember` when the
   * parent is a member of this CI (the inverse of what was written). Undefined
   * for a source.
   */
  readonly via?: string;
  readonly children: readonly WhyNode[];
}

/**
 * The "why" forest of a simulation: one tree per source, each affected CI
 * under the CI its shortest explanation path comes through, worst state first
 * (then would-be state, then identity). Every affected CI appears exactly once.
 * Built from the paths, so it agrees with the JSON; `graph` only names the
 * relation each step took (of parallel edges, the one that carries the most
 * severe state). Linear in the affected CIs and their edges to their parents.
 */
export function explainImpact(graph: CIGraph, summary: ImpactSummary): WhyNode[] {
  const sourceState: ImpactState = summary.event === 'change' ? 'at-risk' : 'down';
  const children = new Map<string, string[]>();
  const info = new Map<string, { state: ImpactState; wouldBe?: ImpactState; depth: number; via?: string }>();
  for (const s of summary.sources) info.set(s, { state: sourceState, wouldBe: summary.event === 'change' ? 'down' : undefined, depth: 0 });
  for (const a of summary.affected) {
    const parent = a.path.length >= 2 ? a.path[a.path.length - 2] : a.path[0];
    const list = children.get(parent);
    if (list) list.push(a.id);
    else children.set(parent, [a.id]);
    info.set(a.id, { state: a.state, wouldBe: a.wouldBe, depth: a.depth });
  }
  // Name the relations once every CI's (would-be) state is known.
  const effective = (id: string): ImpactState => {
    const i = info.get(id)!;
    return i.wouldBe ?? i.state;
  };
  for (const a of summary.affected) {
    if (a.path.length < 2) continue;
    const parent = a.path[a.path.length - 2];
    info.get(a.id)!.via = relationBetween(graph, parent, a.id, effective(parent));
  }
  const order = (a: string, b: string): number => {
    const x = info.get(a)!;
    const y = info.get(b)!;
    return STATE_RANK[x.state] - STATE_RANK[y.state] || STATE_RANK[x.wouldBe ?? x.state] - STATE_RANK[y.wouldBe ?? y.state] || (a < b ? -1 : a > b ? 1 : 0);
  };
  // Built bottom-up by depth, without recursion: chains may be very deep.
  const built = new Map<string, WhyNode>();
  const byDepth = [...summary.affected].sort((a, b) => b.depth - a.depth);
  const make = (id: string): WhyNode => {
    const i = info.get(id)!;
    const kids = (children.get(id) ?? []).sort(order).map((k) => built.get(k)!);
    const node: WhyNode = {
      id,
      state: i.state,
      ...(i.wouldBe ? { wouldBe: i.wouldBe } : {}),
      depth: i.depth,
      ...(i.via ? { via: i.via } : {}),
      children: kids,
    };
    built.set(id, node);
    return node;
  };
  for (const a of byDepth) make(a.id);
  return summary.sources.map((s) => make(s));
}

/**
 * The relation from `child` towards `parent` along which `parent`'s failure
 * travels: `child dependsOn parent` reads `dependsOn`; `parent memberOf child`
 * reads `hasMember`. Prefers the edge that carries the most severe state.
 */
export function relationBetween(graph: CIGraph, parent: string, child: string, parentState: ImpactState): string | undefined {
  let best: string | undefined;
  let bestRank = Infinity;
  const consider = (name: string, type: string): void => {
    const reaches = receiverState(parentState, type) ?? receiverState('down', type);
    const rank = reaches ? STATE_RANK[reaches] : 9;
    if (rank < bestRank) {
      best = name;
      bestRank = rank;
    }
  };
  graph.forEachDirectedEdge(child, parent, (_e, attrs) => {
    const travels = RELATIONS.get(attrs.type)?.travels;
    if (travels === 'target-to-source' || travels === 'both') consider(attrs.type, attrs.type);
  });
  graph.forEachDirectedEdge(parent, child, (_e, attrs) => {
    const spec = RELATIONS.get(attrs.type);
    if (spec && (spec.travels === 'source-to-target' || spec.travels === 'both')) consider(spec.inverse, attrs.type);
  });
  return best;
}
