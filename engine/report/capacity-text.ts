import { formatDuration, formatValue, sparkline } from '../capacity/format.js';
import type { SignalReport } from '../capacity/types.js';
import { compareText } from '../model/compare-text.js';

interface Colors {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const plain: Colors = { red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s, bold: (s) => s };

/**
 * `plumb capacity` as text: one row per signal — the CI, the signal, usage
 * now, capacity, the forecast at the horizon with its 95 % interval, days
 * until capacity is reached, the status and a sparkline of the history scaled
 * from 0 to capacity — then one line per signal that is not ok saying why,
 * and the anomalies found. Worst status first.
 */
export function renderCapacityText(reports: readonly SignalReport[], options: { colors?: Colors; source?: string; now?: number } = {}): string {
  const c = options.colors ?? plain;
  if (reports.length === 0) return 'no capacity signals (declare them under capacity: on a CI; docs/capacity.md)\n';
  const order = { critical: 0, warning: 1, unknown: 2, ok: 3 } as const;
  const sorted = [...reports].sort((a, b) => order[a.status] - order[b.status] || compareText(a.ci, b.ci) || compareText(a.signal, b.signal));
  const header = ['CI', 'SIGNAL', 'NOW', 'CAPACITY', 'FORECAST', 'EXHAUSTED IN', 'STATUS', 'HISTORY'];
  const rows = sorted.map((r) => [
    r.ci,
    r.signal,
    formatValue(r.now, r.unit),
    formatValue(r.capacity, r.unit),
    r.forecast
      ? `${formatValue(r.forecast.atHorizon.mean, r.unit)} in ${formatDuration(r.horizonMs)} (${formatValue(r.forecast.atHorizon.lower, r.unit)}–${formatValue(r.forecast.atHorizon.upper, r.unit)})`
      : '-',
    r.daysToExhaustion === null ? (r.status === 'unknown' ? '-' : '> 1 y') : r.daysToExhaustion === 0 ? 'now' : `${r.daysToExhaustion.toFixed(1)} d`,
    r.status,
    r.history ? sparkline(r.history, 24) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => [...row[i]].length)));
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length));
  const paint = (status: string, s: string) =>
    status === 'critical' ? c.red(s) : status === 'warning' ? c.yellow(s) : status === 'ok' ? c.green(s) : c.dim(s);
  const lines: string[] = [];
  if (options.source) lines.push(c.dim(`from ${options.source}${options.now ? ` at ${new Date(options.now).toISOString()}` : ''}`));
  lines.push(
    c.bold(
      header
        .map((h, i) => pad(h, widths[i]))
        .join('  ')
        .trimEnd(),
    ),
  );
  rows.forEach((row, k) => {
    lines.push(
      row
        .map((cell, i) => (i === 6 ? paint(sorted[k].status, pad(cell, widths[i])) : pad(cell, widths[i])))
        .join('  ')
        .trimEnd(),
    );
  });
  const notes: string[] = [];
  for (const r of sorted) {
    const method = r.forecast ? ` [${r.forecast.method}${r.forecast.seasonMs ? `, season ${formatDuration(r.forecast.seasonMs)}` : ''}]` : '';
    if (r.status !== 'ok') notes.push(`  ${paint(r.status, r.status)}  ${r.ci} ${r.signal}: ${r.reason}${method}`);
    if (r.anomalies.length) {
      const last = r.anomalies[r.anomalies.length - 1];
      notes.push(
        `  ${c.yellow('anomaly')}  ${r.ci} ${r.signal}: ${r.anomalies.length} in the history, latest ${new Date(last.start).toISOString()} (${last.direction}, ${formatValue(last.peak.value, r.unit)} where ${formatValue(last.peak.expected, r.unit)} was expected)`,
      );
    }
  }
  if (notes.length) lines.push('', ...notes);
  const counts = { critical: 0, warning: 0, ok: 0, unknown: 0 };
  for (const r of reports) counts[r.status]++;
  lines.push(
    '',
    `${reports.length} signal${reports.length === 1 ? '' : 's'}: ${counts.critical} critical, ${counts.warning} warning, ${counts.ok} ok, ${counts.unknown} unknown`,
  );
  return lines.join('\n') + '\n';
}

/** `plumb capacity -o json`: the reports without their raw history (forecast paths kept). */
export function capacityJson(reports: readonly SignalReport[], meta: { source?: string; now?: number }): unknown {
  return {
    source: meta.source ?? null,
    now: meta.now === undefined ? null : new Date(meta.now).toISOString(),
    signals: reports.map(({ history: _history, ...r }) => ({
      ...r,
      anomalies: r.anomalies.map((a) => ({
        ...a,
        start: new Date(a.start).toISOString(),
        end: new Date(a.end).toISOString(),
        peak: { ...a.peak, t: new Date(a.peak.t).toISOString() },
      })),
      ...(r.forecast
        ? {
            forecast: {
              ...r.forecast,
              exhaustionAt: r.forecast.exhaustionAt === null ? null : new Date(r.forecast.exhaustionAt).toISOString(),
              atHorizon: { ...r.forecast.atHorizon, t: new Date(r.forecast.atHorizon.t).toISOString() },
              path: r.forecast.path.map((p) => ({ ...p, t: new Date(p.t).toISOString() })),
            },
          }
        : {}),
    })),
  };
}
