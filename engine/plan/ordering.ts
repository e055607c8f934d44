import { RELATIONS } from '../model/relations.js';

/**
 * Which end of a relation must exist first. The rule follows the way a failure
 * travels (docs/architecture.md, "Relations and impact"): whatever a failure travels *from*
 * is created first, because the other end cannot work without it.
 *
 * - `target-first` — dependsOn, runsOn, hostedOn, consumesApi, backedUpBy: A is
 *   written on the dependent, so B (the database, the host, the API, the backup
 *   policy) comes first.
 * - `source-first` — contains: the container before what it holds; partOf and
 *   memberOf: the parts before the whole (a group, a business service or a
 *   cluster aggregates its members and is only meaningful once they exist).
 * - undefined — connectsTo (symmetric, cycles allowed), alternativeTo (a
 *   redundancy group, no order among peers), ownedBy (routing only) and unknown
 *   types impose no order.
 */
export type OrderingDirection = 'target-first' | 'source-first';

export function orderingOf(type: string): OrderingDirection | undefined {
  const travels = RELATIONS.get(type)?.travels;
  if (travels === 'target-to-source') return 'target-first';
  if (travels === 'source-to-target') return 'source-first';
  return undefined;
}
