import type { OutboxMessage } from '../notify/outbox.js';
import type { IncidentPayload } from './types.js';

/** The idempotency key of one incident message: unique per dedupe key and revision. */
export function incidentDeliveryKey(p: Pick<IncidentPayload, 'dedupeKey' | 'revision'>): string {
  return `${p.dedupeKey}:${p.revision}`;
}

/**
 * Incident actions as outbox messages for one destination: grouped by dedupe
 * key (so open → update → resolve arrive in that order) and keyed by
 * `dedupeKey:revision` (so a re-sent action is a duplicate). Typical wiring:
 * `new IncidentTracker({emit: (a) => outbox.enqueue(incidentMessages(a, 'itsm'))})`.
 */
export function incidentMessages(actions: readonly IncidentPayload[], destination: string): OutboxMessage[] {
  return actions.map((payload) => ({ destination, group: payload.dedupeKey, key: incidentDeliveryKey(payload), payload }));
}
