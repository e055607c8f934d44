import type { CIGraph } from '../graph/types.js';
import type { ImpactIndex } from './impact-index.js';

/**
 * `spec.minUp` of a group CI (the target of partOf/memberOf): how many members
 * must be up for it to be up. Absent or not a non-negative integer: 1 — a group
 * with no member up is down, a group with one member up is degraded.
 */
export function minUp(graph: CIGraph, group: string): number {
  const spec = graph.getNodeAttribute(group, 'ci').object.spec as Record<string, unknown> | undefined;
  const value = spec?.minUp;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 1;
}

/**
 * Counts down members per group CI and says when a group falls below its
 * `minUp`. A member is a distinct CI with a partOf or memberOf edge into the
 * group (both relations to the same group count once); the index counted them.
 */
export class MemberThreshold {
  private readonly down = new Map<number, number>();
  /** Member pairs counted, as member × CI count + group (a number: a string per pair was most of this class's cost). */
  private readonly counted = new Set<number>();
  /** Each group's minUp, read once per simulation: a hub's group is asked once per member that goes down. */
  private readonly thresholds = new Map<number, number>();

  constructor(
    private readonly graph: CIGraph,
    private readonly index: ImpactIndex,
  ) {}

  /** Records that `member` is down; true when `group` now has fewer than minUp members up. */
  memberDown(member: number, group: number): boolean {
    const key = member * this.index.ids.length + group;
    if (!this.counted.has(key)) {
      this.counted.add(key);
      this.down.set(group, (this.down.get(group) ?? 0) + 1);
    }
    let threshold = this.thresholds.get(group);
    if (threshold === undefined) this.thresholds.set(group, (threshold = minUp(this.graph, this.index.ids[group])));
    return this.index.memberCount[group] - (this.down.get(group) ?? 0) < threshold;
  }
}
