import type { Series } from './types.js';

const UNITS: [string, number][] = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** Milliseconds → the largest whole unit that says it exactly (`2592000000` → `30d`, `5400000` → `90m`). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/**
 * A value in its signal's unit, short: bytes in binary units (`412 GiB`),
 * `percent` with %, `seconds` in ms/s, anything else with SI prefixes
 * (`1.2k rps`).
 */
export function formatValue(value: number | undefined | null, unit?: string): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '-';
  if (unit === 'bytes') {
    const prefixes = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let v = value;
    let i = 0;
    while (Math.abs(v) >= 1024 && i < prefixes.length - 1) {
      v /= 1024;
      i++;
    }
    return `${round(v)} ${prefixes[i]}`;
  }
  if (unit === 'percent') return `${round(value)} %`;
  if (unit === 'seconds') return Math.abs(value) < 1 ? `${round(value * 1000)} ms` : `${round(value)} s`;
  const prefixes = ['', 'k', 'M', 'G', 'T'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
    v /= 1000;
    i++;
  }
  return `${round(v)}${prefixes[i]}${unit ? ` ${unit}` : ''}`;
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of `width` characters (each the mean of its share of the
 * samples, gaps as spaces), scaled between `min` and `max` (default: the
 * series' own range; pass 0 and the capacity to see how full it is).
 */
export function sparkline(series: Series, width = 24, range?: { min: number; max: number }): string {
  const n = series.values.length;
  if (n === 0) return '';
  const cells: number[] = [];
  for (let c = 0; c < width; c++) {
    let sum = 0;
    let count = 0;
    for (let i = Math.floor((c * n) / width); i < Math.max(Math.floor(((c + 1) * n) / width), Math.floor((c * n) / width) + 1) && i < n; i++) {
      if (!Number.isNaN(series.values[i])) {
        sum += series.values[i];
        count++;
      }
    }
    cells.push(count ? sum / count : Number.NaN);
  }
  const finite = cells.filter((v) => !Number.isNaN(v));
  const min = range?.min ?? Math.min(...finite);
  const max = range?.max ?? Math.max(...finite);
  return cells
    .map((v) => {
      if (Number.isNaN(v)) return ' ';
      const f = max > min ? (v - min) / (max - min) : 0.5;
      return BARS[Math.max(0, Math.min(BARS.length - 1, Math.round(f * (BARS.length - 1))))];
    })
    .join('');
}
