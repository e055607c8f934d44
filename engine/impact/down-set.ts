import type { CIGraph } from '../graph/types.js';
import type { ImpactIndex } from './impact-index.js';
import { MemberThreshold } from './member-threshold.js';
import { IS_CONTAINS, IS_MEMBERSHIP, RECEIVER } from './propagation-rules.js';
import { RedundancyGroups, type RedundancyGroup } from './redundancy-groups.js';

export interface DownSet {
  /** 1 for every CI that ends up down, sources included (by CI number). */
  readonly down: Uint8Array;
  /**
   * 1 for down CIs whose outage is masked by their redundancy group: another
   * member is still up, so what depends on them has failed over and is only
   * at risk. What they contain and the groups they belong to still see them down.
   */
  readonly masked: Uint8Array;
  /** The down CIs (numbers), sources first, in the order they went down: what `down` holds, without a scan. */
  readonly list: readonly number[];
}

/**
 * Which CIs go down — the least fixpoint, without depths yet (simulate.ts adds
 * the shortest explanations in a second, breadth-first pass).
 *
 * Two rules are not local to an edge, and both only ever turn on as more CIs go
 * down, so a worklist reaches the fixpoint in one pass over the edges touched:
 *  - a group CI goes down once fewer than its `minUp` members are up
 *    (MemberThreshold);
 *  - a redundancy-group member's outage reaches its dependents only once every
 *    member of its group is down; the last one releases them all. Its
 *    `contains` and partOf/memberOf edges are structural, not a service others
 *    fail over from, so they carry the outage at once.
 *
 * `arrays`: zeroed arrays of the graph's size to fill instead of new ones
 * (simulate.ts reuses them; only the CIs in `list` are ever set, so zeroing
 * those clears them).
 */
export function computeDownSet(
  graph: CIGraph,
  index: ImpactIndex,
  sources: readonly number[],
  arrays?: { readonly down: Uint8Array; readonly masked: Uint8Array },
): DownSet {
  const { ids, start, receiver, type } = index;
  const down = arrays?.down ?? new Uint8Array(ids.length);
  const queue: number[] = [];
  const groups = new RedundancyGroups(graph);
  const groupDown = new Map<RedundancyGroup, number>();
  const held = new Map<RedundancyGroup, number[]>();
  const threshold = new MemberThreshold(graph, index);

  const markDown = (node: number): void => {
    if (down[node]) return;
    down[node] = 1;
    queue.push(node);
  };
  const propagate = (node: number, structuralOnly: boolean): void => {
    for (let k = start[node]; k < start[node + 1]; k++) {
      const t = type[k];
      if (structuralOnly && !IS_CONTAINS[t] && !IS_MEMBERSHIP[t]) continue;
      if (IS_MEMBERSHIP[t]) {
        if (threshold.memberDown(node, receiver[k])) markDown(receiver[k]);
      } else if (RECEIVER[t] === 0) markDown(receiver[k]); // row 0 of the table: a down sender
    }
  };

  for (const s of sources) markDown(s);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    const group = index.hasAlternative[node] ? groups.of(ids[node]) : undefined;
    if (!group) {
      propagate(node, false);
      continue;
    }
    const n = (groupDown.get(group) ?? 0) + 1;
    groupDown.set(group, n);
    if (n < group.members.length) {
      const waiting = held.get(group);
      if (waiting) waiting.push(node);
      else held.set(group, [node]);
      propagate(node, true);
      continue;
    }
    for (const member of held.get(group) ?? []) propagate(member, false);
    held.delete(group);
    propagate(node, false);
  }
  const masked = arrays?.masked ?? new Uint8Array(ids.length);
  for (const members of held.values()) for (const m of members) masked[m] = 1;
  return { down, masked, list: queue };
}
