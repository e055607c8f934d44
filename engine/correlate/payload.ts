import type { CorrelatedIncident, IncidentPayloadV2 } from '../incidents/types.js';

/** The webhook payload (schema version 2) of an incident at one of its messages. */
export function correlatedPayload(i: CorrelatedIncident, action: IncidentPayloadV2['action']): IncidentPayloadV2 {
  const first = i.cause[0] ?? { id: '', kind: '', name: '', namespace: '', conditions: [] };
  const own = first.conditions[0];
  const reason = own ? own.detail : `inferred: explains ${i.symptoms.length} failing CI${i.symptoms.length === 1 ? '' : 's'}`;
  return {
    schemaVersion: 2,
    dedupeKey: i.dedupeKey,
    action,
    summary: incidentTitle(i, action),
    ci: { id: first.id, kind: first.kind, name: first.name, namespace: first.namespace },
    failure: i.failure,
    reason,
    severity: i.severity,
    cause: i.cause,
    alternatives: i.alternatives,
    symptoms: i.symptoms,
    related: i.related,
    businessServices: i.businessServices,
    risk: i.risk,
    ...(i.change ? { change: i.change } : {}),
    firstSeen: i.firstSeen,
    lastSeen: i.lastSeen,
    ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
    ...(i.resolution ? { resolution: i.resolution } : {}),
    reopened: i.reopened,
    revision: i.revision,
  };
}

/**
 * One line for a ticket title, e.g.
 * `host:dc1/web-01 is down (inferred) — 4 symptoms, hits 2 business services, risk high (72); likely change: run 01J… (configmap:shop/app-config)`.
 */
export function incidentTitle(i: CorrelatedIncident, action: IncidentPayloadV2['action']): string {
  const causes = i.cause.map((c) => c.id).join(' + ') || '(unknown)';
  if (action === 'resolve') {
    const why = i.resolution && i.resolution !== 'recovered' ? ` (${i.resolution})` : '';
    return `${causes} recovered after ${durationText(i.firstSeen, i.resolvedAt ?? i.lastSeen)}${why}`;
  }
  const own = i.cause[0]?.conditions[0];
  const what = i.failure === 'down' ? `${i.cause.length > 1 ? 'are' : 'is'} down (${own ? own.detail : 'inferred'})` : `${i.failure} (${own?.detail ?? ''})`;
  const s = i.symptoms.length;
  const n = i.businessServices.length;
  const parts = [...(s ? [`${s} symptom${s === 1 ? '' : 's'}`] : []), n === 0 ? 'hits no business service' : `hits ${n} business service${n === 1 ? '' : 's'}`];
  const change = i.change
    ? `; likely change: run ${i.change.run} (${i.change.changes
        .map((c) => c.id)
        .slice(0, 3)
        .join(', ')})`
    : '';
  return `${causes} ${what} — ${parts.join(', ')}, risk ${i.risk.level} (${i.risk.score})${change}`;
}

function durationText(from: string, to: string): string {
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60 ? ` ${m % 60}m` : ''}`;
}
