import { formatDuration } from '../../capacity/format.js';
import type { SignalReport } from '../../capacity/types.js';
import type { HealthEvent } from '../events.js';

/** Day counts are said in these steps, so the detail stays the same from round to round (a new detail is news). */
const WITHIN_DAYS = [1, 3, 7, 14, 30, 60, 90];

function within(days: number): string {
  const bound = WITHIN_DAYS.find((d) => days <= d);
  return bound === undefined ? `in ${Math.round(days)} days` : bound === 1 ? 'within a day' : `within ${bound} days`;
}

/**
 * Capacity reports → health events for the correlator, one condition of each
 * kind per CI:
 *
 * - `predicted-exhaustion`: some signal of the CI is forecast to reach its
 *   capacity (`minor`) or its headroom limit (`warning`) within its horizon;
 *   the detail names each such signal and when, in coarse steps ("within 14
 *   days") so that it changes only when the forecast really moves. `cleared`
 *   when every signal of the CI is ok again.
 * - `anomaly`: a signal broke its seasonal pattern within the last `recentMs`
 *   (`warning`, detail: signal, spike or dip, how far off); `cleared` when
 *   none did.
 *
 * Signals whose data could not be read (`unknown`) say nothing: an unanswered
 * question is neither an exhaustion nor a recovery.
 */
export function capacityEvents(reports: readonly SignalReport[], options: { now: Date; recentMs: number }): HealthEvent[] {
  const time = options.now.toISOString();
  const byCi = new Map<string, SignalReport[]>();
  for (const r of reports) byCi.set(r.ci, [...(byCi.get(r.ci) ?? []), r]);
  const events: HealthEvent[] = [];
  for (const [ci, all] of byCi) {
    const known = all.filter((r) => r.status !== 'unknown');
    if (known.length === 0) continue;
    const atRisk = known.filter((r) => r.status === 'critical' || r.status === 'warning');
    if (atRisk.length) {
      const detail = atRisk
        .map((r) =>
          r.status === 'critical'
            ? `${r.signal} forecast to reach capacity ${r.daysToExhaustion === 0 ? 'now' : within(r.daysToExhaustion ?? 0)}`
            : `${r.signal} forecast to pass ${Math.round((1 - (r.limit ?? 0) / (r.capacity || 1)) * 100)} % headroom ${within(r.daysToLimit ?? 0)}`,
        )
        .join('; ');
      events.push({
        ci,
        kind: 'predicted-exhaustion',
        time,
        detail,
        severity: atRisk.some((r) => r.status === 'critical') ? 'minor' : 'warning',
        source: 'capacity',
      });
    } else {
      events.push({ ci, kind: 'predicted-exhaustion', time, detail: 'every capacity signal is within its headroom', severity: 'cleared', source: 'capacity' });
    }
    const since = options.now.getTime() - options.recentMs;
    const recent = known.flatMap((r) => r.anomalies.filter((a) => a.end >= since).map((a) => ({ r, a })));
    if (recent.length) {
      const detail = recent
        .map(({ r, a }) => `${r.signal} ${a.direction} ${a.peak.score >= 20 ? 'far ' : ''}${a.direction === 'spike' ? 'above' : 'below'} its seasonal baseline`)
        .filter((d, i, all) => all.indexOf(d) === i)
        .join('; ');
      events.push({ ci, kind: 'anomaly', time, detail, severity: 'warning', source: 'capacity' });
    } else {
      events.push({
        ci,
        kind: 'anomaly',
        time,
        detail: `no anomaly in the last ${formatDuration(Math.max(options.recentMs, 60_000))}`,
        severity: 'cleared',
        source: 'capacity',
      });
    }
  }
  return events;
}
