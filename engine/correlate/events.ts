import type { EventSeverity } from '../incidents/types.js';
import { PlumbError } from '../model/errors.js';

export type { EventSeverity };

/**
 * EventSeverity (engine/incidents/types.ts): perceived severity of a health
 * event, in the terms of ITU-T X.733 (the alarm model ITSM tools and SNMP
 * managers share):
 *  - `critical`, `major`: the CI is failing — it is simulated `down` when the
 *    correlator looks for the root cause, and opens or joins an incident;
 *  - `minor`, `warning`: the CI is degraded or about to be (an anomaly, a
 *    predicted exhaustion, a certificate about to expire) — reported with the
 *    incident that explains the CI, or as an incident of its own, but never
 *    taken as an outage when explaining others;
 *  - `cleared`: the condition `(ci, kind)` is over (a recovery).
 *
 * The severities, worst first.
 */
export const EVENT_SEVERITIES: readonly EventSeverity[] = ['critical', 'major', 'minor', 'warning', 'cleared'];

/**
 * One health signal about one CI: what every producer hands the correlator
 * (the endpoint, Kubernetes, exec and host collectors in
 * engine/correlate/signals/, a capacity forecaster, an embedder's own checks).
 *
 * A condition is identified by `(ci, kind)`: a later event of the same pair
 * replaces the earlier one (a new detail, another severity), and a `cleared`
 * event of the pair ends it. Producers send the current condition every round
 * or only on change; both work, since a repeated event changes nothing.
 */
export interface HealthEvent {
  /** CI identity, `kind:namespace/name` (as in the graph, e.g. `endpoint:shop/api-public`). */
  readonly ci: string;
  /**
   * What is observed, a short kebab-case word stable for the condition:
   * `down` (a probe failed), `unavailable` (a workload has fewer available
   * replicas than wanted), `not-ready` (a Ready condition is False),
   * `job-failed`, `unhealthy` (an exec plugin said so), `threshold` (a host
   * fact crossed a threshold declared on the CI), `anomaly`,
   * `predicted-exhaustion`, `certificate-expiring`… Different kinds of one CI
   * are different conditions.
   */
  readonly kind: string;
  /** When it was observed: ISO 8601 (UTC), e.g. `2026-01-05T09:00:00.000Z`. */
  readonly time: string;
  /**
   * Human detail, e.g. `connection refused` or `0/3 replicas available`. Keep it
   * stable while nothing changes (no latencies or timestamps in it): a new
   * detail is news and updates the ticket. Never a secret: it is sent to the
   * ITSM webhook and Slack as it is.
   */
  readonly detail: string;
  readonly severity: EventSeverity;
  /** Who observed it, for people (`endpoint`, `kubernetes`, `exec:<plugin>`, `host`, `capacity`…). */
  readonly source?: string;
}

/** Does this severity mean the CI is failing (simulated `down` for root cause)? */
export function isOutage(severity: EventSeverity): boolean {
  return severity === 'critical' || severity === 'major';
}

const KIND = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_DETAIL = 1024;

/**
 * Checks an event from outside the process (a plugin, a file, an HTTP body)
 * and returns it normalized: `time` as ISO 8601 UTC, `detail` cut to 1,024
 * characters. Throws PlumbError `events.bad-event` naming the field and what
 * it must be. Producers inside plumb build events with the type and need not
 * call it.
 */
export function parseHealthEvent(value: unknown, where = 'event'): HealthEvent {
  const bad = (field: string, must: string): PlumbError =>
    new PlumbError('events.bad-event', `${where}: ${field} ${must}`, {
      hint: 'an event is {ci, kind, time, detail, severity}; see docs/incidents.md "Events"',
      data: { field },
    });
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('the event', 'must be an object');
  const v = value as Record<string, unknown>;
  if (typeof v.ci !== 'string' || !v.ci) throw bad('ci', 'must be a CI identity such as endpoint:shop/api');
  if (typeof v.kind !== 'string' || !KIND.test(v.kind) || v.kind.length > 64)
    throw bad('kind', 'must be a kebab-case word of at most 64 characters, e.g. down');
  const ms = typeof v.time === 'string' ? Date.parse(v.time) : NaN;
  if (!Number.isFinite(ms)) throw bad('time', 'must be an ISO 8601 time, e.g. 2026-01-05T09:00:00Z');
  if (typeof v.detail !== 'string') throw bad('detail', 'must be a string');
  if (typeof v.severity !== 'string' || !(EVENT_SEVERITIES as readonly string[]).includes(v.severity))
    throw bad('severity', `must be one of ${EVENT_SEVERITIES.join(', ')}`);
  if (v.source !== undefined && typeof v.source !== 'string') throw bad('source', 'must be a string');
  return {
    ci: v.ci,
    kind: v.kind,
    time: new Date(ms).toISOString(),
    detail: v.detail.length > MAX_DETAIL ? `${v.detail.slice(0, MAX_DETAIL - 1)}…` : v.detail,
    severity: v.severity as EventSeverity,
    ...(typeof v.source === 'string' ? { source: v.source } : {}),
  };
}

/** The key of the condition an event is about: `ci` and `kind`. */
export function conditionKey(e: Pick<HealthEvent, 'ci' | 'kind'>): string {
  return `${e.ci}\n${e.kind}`;
}
