import type { OutboxMessage } from '../notify/outbox.js';

/** The idempotency key of one incident message: unique per dedupe key and revision. */
export function incidentDeliveryKey(p: { readonly dedupeKey: string; readonly revision: number }): string {
  return `${p.dedupeKey}:${p.revision}`;
}

/**
 * Incident actions as outbox messages for one destination: grouped by dedupe
 * key (so open → update → resolve arrive in that order) and keyed by
 * `dedupeKey:revision` (so a re-sent action is a duplicate). Typical wiring:
 * `IncidentCorrelator.open({emit: (a) => outbox.enqueue(incidentMessages(a, 'itsm'))})`.
 */
export function incidentMessages<P extends { readonly dedupeKey: string; readonly revision: number }>(
  actions: readonly P[],
  destination: string,
): OutboxMessage[] {
  return actions.map((payload) => ({ destination, group: payload.dedupeKey, key: incidentDeliveryKey(payload), payload }));
}
