/**
 * The relation types of docs/architecture.md, "Relations and impact". A relation is written
 * on A (the CI that declares it) and points at B (its target).
 *
 * `travels`:
 *  - `target-to-source`: a failure of B reaches A (dependsOn, runsOn, …)
 *  - `source-to-target`: a failure of A reaches B (partOf, memberOf, contains)
 *  - `both`: connectsTo
 *  - `none`: alternativeTo (redundancy group), ownedBy (routing only)
 */
export type Travel = 'target-to-source' | 'source-to-target' | 'both' | 'none';
export type ImpactState = 'down' | 'degraded' | 'at-risk' | 'operational';

export interface RelationSpec {
  readonly type: string;
  readonly inverse: string;
  readonly travels: Travel;
  /** The state the receiver reaches when the sender is down. */
  readonly effect: ImpactState | 'group' | 'none';
  /** May this type form cycles? Only connectsTo may. */
  readonly cyclesAllowed: boolean;
}

export const RELATION_TYPES: readonly RelationSpec[] = [
  { type: 'dependsOn', inverse: 'dependencyOf', travels: 'target-to-source', effect: 'down', cyclesAllowed: false },
  { type: 'runsOn', inverse: 'hosts', travels: 'target-to-source', effect: 'down', cyclesAllowed: false },
  { type: 'hostedOn', inverse: 'hosts', travels: 'target-to-source', effect: 'down', cyclesAllowed: false },
  { type: 'consumesApi', inverse: 'apiConsumedBy', travels: 'target-to-source', effect: 'degraded', cyclesAllowed: false },
  // partOf/memberOf: degraded, or down once fewer than the target's spec.minUp members are up
  { type: 'partOf', inverse: 'hasPart', travels: 'source-to-target', effect: 'degraded', cyclesAllowed: false },
  { type: 'memberOf', inverse: 'hasMember', travels: 'source-to-target', effect: 'degraded', cyclesAllowed: false },
  // contains: deleting A deletes B
  { type: 'contains', inverse: 'containedBy', travels: 'source-to-target', effect: 'down', cyclesAllowed: false },
  { type: 'connectsTo', inverse: 'connectsTo', travels: 'both', effect: 'at-risk', cyclesAllowed: true },
  { type: 'backedUpBy', inverse: 'backs', travels: 'target-to-source', effect: 'at-risk', cyclesAllowed: false },
  { type: 'alternativeTo', inverse: 'alternativeTo', travels: 'none', effect: 'group', cyclesAllowed: true },
  { type: 'ownedBy', inverse: 'owns', travels: 'none', effect: 'none', cyclesAllowed: false },
];

export const RELATIONS: ReadonlyMap<string, RelationSpec> = new Map(RELATION_TYPES.map((r) => [r.type, r]));

export type RelationType =
  | 'dependsOn'
  | 'runsOn'
  | 'hostedOn'
  | 'consumesApi'
  | 'partOf'
  | 'memberOf'
  | 'contains'
  | 'connectsTo'
  | 'backedUpBy'
  | 'alternativeTo'
  | 'ownedBy';

export function isRelationType(t: string): t is RelationType {
  return RELATIONS.has(t);
}

/** Impact states, worst first, with a rank for comparisons (lower is worse). */
export const STATE_RANK: Readonly<Record<ImpactState, number>> = { down: 0, degraded: 1, 'at-risk': 2, operational: 3 };

export function worseState(a: ImpactState, b: ImpactState): ImpactState {
  return STATE_RANK[a] <= STATE_RANK[b] ? a : b;
}
