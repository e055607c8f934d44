import { RELATIONS, RELATION_TYPES, STATE_RANK, type ImpactState } from '../model/relations.js';

/**
 * The propagation table of docs/architecture.md ("Relations and impact") as one function:
 * what state a receiver reaches when a sender in `sender` state reaches it over
 * a relation of `type`. Undefined: nothing travels.
 *
 * The table only says what a *down* sender does. For reduced states plumb never
 * escalates — the receiver gets the less severe of the sender's state and the
 * relation's effect — and narrows where reduced states go:
 *  - down travels per the relation's effect (dependsOn/runsOn/hostedOn/contains →
 *    down, consumesApi → degraded, partOf/memberOf → degraded or down by minUp —
 *    the caller decides that one —, connectsTo/backedUpBy → at-risk);
 *  - degraded travels over every relation that carries an effect, as
 *    min-severity(degraded, effect): a degraded database degrades what depends
 *    on it, and leaves what it connects to or backs up at-risk;
 *  - at-risk travels only over the hard dependencies (dependsOn, runsOn,
 *    hostedOn), so that "at-risk" does not flood a connectsTo mesh or every
 *    consumer of a slow API.
 * States only get worse and there are three of them, so any walk built on this
 * function terminates.
 */
export function receiverState(sender: ImpactState, type: string): ImpactState | undefined {
  const spec = RELATIONS.get(type);
  if (!spec || spec.effect === 'group' || spec.effect === 'none' || spec.effect === 'operational') return undefined;
  if (sender === 'operational') return undefined;
  if (sender === 'at-risk') return HARD_DEPENDENCIES.has(type) ? 'at-risk' : undefined;
  return STATE_RANK[sender] >= STATE_RANK[spec.effect] ? sender : spec.effect;
}

/** Relations over which an at-risk state travels on. */
export const HARD_DEPENDENCIES: ReadonlySet<string> = new Set(['dependsOn', 'runsOn', 'hostedOn']);

/** Relations whose receiver's state depends on how many of its members are down (`spec.minUp`). */
export const MEMBERSHIP: ReadonlySet<string> = new Set(['partOf', 'memberOf']);

/** States as numbers (their STATE_RANK): 0 down, 1 degraded, 2 at-risk. */
export const STATES: readonly ImpactState[] = ['down', 'degraded', 'at-risk'];

/**
 * receiverState as a lookup table for the walk over an ImpactIndex:
 * `RECEIVER[state * RELATION_TYPES.length + typeCode]` is the receiver's state
 * number, or -1 when nothing travels.
 */
export const RECEIVER: Int8Array = Int8Array.from(
  STATES.flatMap((state) =>
    RELATION_TYPES.map((r) => {
      const reaches = receiverState(state, r.type);
      return reaches === undefined ? -1 : STATE_RANK[reaches];
    }),
  ),
);

/** Per relation type code: 1 for partOf/memberOf. */
export const IS_MEMBERSHIP: Uint8Array = Uint8Array.from(RELATION_TYPES.map((r) => (MEMBERSHIP.has(r.type) ? 1 : 0)));

/** Per relation type code: 1 for contains. */
export const IS_CONTAINS: Uint8Array = Uint8Array.from(RELATION_TYPES.map((r) => (r.type === 'contains' ? 1 : 0)));

export const TYPE_COUNT = RELATION_TYPES.length;
