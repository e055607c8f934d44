import { formatValue } from './format.js';
import type { SignalReport } from './types.js';

const W = 720;
const H = 280;
const PAD = { left: 70, right: 20, top: 30, bottom: 40 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One signal as an SVG chart (720 × 280): the history, the forecast with its
 * 95 % interval as a band, the capacity and headroom limit as horizontal lines,
 * anomalies as red dots, and a title with the status. Plain SVG 1.1 with no
 * scripts or external references, so any browser or image viewer shows it.
 * Needs the report's history (`evaluateCapacity(…, {keepHistory: true})`).
 */
export function signalChartSvg(report: SignalReport): string {
  const history = report.history;
  const points: { t: number; v: number }[] = [];
  if (history)
    for (let i = 0; i < history.values.length; i++)
      if (!Number.isNaN(history.values[i])) points.push({ t: history.start + i * history.step, v: history.values[i] });
  const path = report.forecast?.path ?? [];
  const ts = [...points.map((p) => p.t), ...path.map((p) => p.t)];
  const vs = [...points.map((p) => p.v), ...path.flatMap((p) => [p.lower, p.upper]), report.capacity ?? 0, 0];
  const t0 = Math.min(...ts, Date.now());
  const t1 = Math.max(...ts, t0 + 1);
  const v0 = Math.min(...vs);
  const v1 = Math.max(...vs) * 1.05 || 1;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - v0) / (v1 - v0 || 1)) * (H - PAD.top - PAD.bottom);
  const line = (pts: { t: number; v: number }[]) => pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  const title = `${report.ci} · ${report.signal} · ${report.status}${report.daysToExhaustion !== null ? ` · exhausted in ${report.daysToExhaustion.toFixed(1)} d` : ''}`;
  parts.push(`<text x="${PAD.left}" y="18" font-size="13" font-weight="bold">${escape(title)}</text>`);
  // axes and value ticks
  parts.push(`<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#888"/>`);
  parts.push(`<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#888"/>`);
  for (let k = 0; k <= 4; k++) {
    const v = v0 + ((v1 - v0) * k) / 4;
    parts.push(`<text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#444">${escape(formatValue(v, report.unit))}</text>`);
  }
  for (const t of [t0, (t0 + t1) / 2, t1]) {
    parts.push(`<text x="${x(t)}" y="${H - PAD.bottom + 16}" text-anchor="middle" fill="#444">${new Date(t).toISOString().slice(0, 10)}</text>`);
  }
  if (path.length) {
    const band = [
      ...path.map((p) => `${x(p.t).toFixed(1)},${y(p.upper).toFixed(1)}`),
      ...[...path].reverse().map((p) => `${x(p.t).toFixed(1)},${y(p.lower).toFixed(1)}`),
    ].join(' ');
    parts.push(`<polygon points="${band}" fill="#4a90d9" fill-opacity="0.18"/>`);
  }
  if (points.length) parts.push(`<path d="${line(points)}" fill="none" stroke="#222" stroke-width="1"/>`);
  if (path.length)
    parts.push(`<path d="${line(path.map((p) => ({ t: p.t, v: p.mean })))}" fill="none" stroke="#1f5fa8" stroke-width="1.5" stroke-dasharray="5,3"/>`);
  for (const [level, colour, label] of [
    [report.capacity, '#c0392b', 'capacity'],
    [report.limit, '#e67e22', 'headroom limit'],
  ] as const) {
    if (level === undefined) continue;
    parts.push(`<line x1="${PAD.left}" y1="${y(level)}" x2="${W - PAD.right}" y2="${y(level)}" stroke="${colour}" stroke-dasharray="2,2"/>`);
    parts.push(`<text x="${W - PAD.right}" y="${y(level) - 3}" text-anchor="end" fill="${colour}">${label}</text>`);
  }
  for (const a of report.anomalies) parts.push(`<circle cx="${x(a.peak.t).toFixed(1)}" cy="${y(a.peak.value).toFixed(1)}" r="3" fill="#c0392b"/>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * The chart as PNG: the SVG rendered by resvg (@resvg/resvg-js, a maintained
 * Rust renderer shipped as a prebuilt Node addon) with the system's fonts.
 * Loaded on first use, so the rest of plumb does not pay for it.
 */
export async function signalChartPng(report: SignalReport): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(signalChartSvg(report), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render().asPng();
}
