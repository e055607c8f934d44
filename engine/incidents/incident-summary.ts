import type { IncidentPayload } from './types.js';

/**
 * The one-line title of an incident message, e.g.
 * `endpoint:shop/api-public is down (connection refused) — hits 2 business services, risk high (71)`.
 */
export function incidentSummary(p: Omit<IncidentPayload, 'summary'>): string {
  if (p.action === 'resolve') return `${p.ci.id} recovered (${p.failure}) after ${durationText(p.firstSeen, p.resolvedAt ?? p.lastSeen)}`;
  const what = p.failure === 'down' ? 'is down' : `failed: ${p.failure}`;
  const n = p.businessServices.length;
  const hits = n === 0 ? 'hits no business service' : `hits ${n} business service${n === 1 ? '' : 's'}`;
  return `${p.ci.id} ${what} (${p.reason}) — ${hits}, risk ${p.risk.level} (${p.risk.score})`;
}

function durationText(from: string, to: string): string {
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60 ? ` ${m % 60}m` : ''}`;
}
