/**
 * Synthetic metric series with known ground truth, for the forecasting and
 * anomaly tests and the benchmark: trends, daily and weekly seasonality,
 * Gaussian noise, injected anomalies, gaps, counters with resets. Seeded, so
 * every run sees the same data.
 */
import { rng } from '../bench/generate.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/** The project's one seeded generator (mulberry32), shared with the benchmarks' data. */
export { rng };

/** Standard normal by Box-Muller. */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A noiseless shape: value at time t (ms since the epoch). */
export interface Shape {
  readonly base: number;
  /** Per day, from `t0`. */
  readonly slope: number;
  readonly daily: number;
  readonly weekly: number;
  readonly t0: number;
}

export function shapeAt(s: Shape, t: number): number {
  const d = (t - s.t0) / DAY;
  return s.base + s.slope * d + s.daily * Math.sin((2 * Math.PI * (t % DAY)) / DAY) + s.weekly * Math.sin((2 * Math.PI * (t % WEEK)) / WEEK);
}

/** The first time after `from` at which the noiseless shape reaches `level` (1-minute resolution), or null within `within`. */
export function trueCrossing(s: Shape, from: number, level: number, within = 400 * DAY): number | null {
  for (let t = from; t <= from + within; t += MINUTE) if (shapeAt(s, t) >= level) return t;
  return null;
}

export interface InjectedAnomaly {
  readonly start: number;
  readonly end: number;
  readonly kind: 'spike' | 'dip' | 'level';
}

export interface GeneratedSeries {
  readonly start: number;
  readonly step: number;
  /** NaN: a gap (no sample written). */
  readonly values: Float64Array;
  readonly anomalies: InjectedAnomaly[];
}

/**
 * Samples of `shape` plus noise (sd `noise`) from `start` to `end` at `step`,
 * optionally with `anomalies` injected at random places (spikes and dips of one
 * to three samples, and level shifts of 30–60 minutes, each 8–20 noise sds,
 * never within a day of another) and `gaps` (whole hours without samples).
 */
export function generate(options: {
  shape: Shape;
  start: number;
  end: number;
  step: number;
  noise: number;
  seed: number;
  anomalies?: number;
  gaps?: number;
}): GeneratedSeries {
  const random = rng(options.seed);
  const normal = gaussian(random);
  const n = Math.floor((options.end - options.start) / options.step) + 1;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = shapeAt(options.shape, options.start + i * options.step) + options.noise * normal();
  const anomalies: InjectedAnomaly[] = [];
  const count = options.anomalies ?? 0;
  // spread over the history in equal slices, each anomaly at a random place in its slice
  const slice = Math.floor(n / Math.max(1, count));
  for (let k = 0; k < count; k++) {
    const kinds = ['spike', 'dip', 'level'] as const;
    const kind = kinds[k % 3];
    const length = kind === 'level' ? Math.round(((30 + 30 * random()) * MINUTE) / options.step) : 1 + Math.floor(random() * 3);
    const at = k * slice + Math.floor(slice * 0.2 + random() * (slice * 0.6 - length));
    const size = (8 + 12 * random()) * options.noise * (kind === 'dip' ? -1 : 1);
    for (let i = at; i < at + length && i < n; i++) values[i] += size;
    anomalies.push({ start: options.start + at * options.step, end: options.start + (at + length - 1) * options.step, kind });
  }
  for (let g = 0; g < (options.gaps ?? 0); g++) {
    const at = Math.floor(random() * (n - 100));
    const length = Math.round(((1 + Math.floor(random() * 6)) * HOUR) / options.step);
    for (let i = at; i < at + length && i < n; i++) values[i] = Number.NaN;
  }
  return { start: options.start, step: options.step, values, anomalies };
}

/** OpenMetrics text for promtool: one gauge family per metric name, each series with its labels. */
export function toOpenMetrics(
  families: { name: string; type: 'gauge' | 'counter'; series: { labels: Record<string, string>; data: GeneratedSeries }[] }[],
): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# TYPE ${family.name} ${family.type}`);
    const sampleName = family.type === 'counter' ? `${family.name}_total` : family.name;
    for (const { labels, data } of family.series) {
      const labelText = Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      for (let i = 0; i < data.values.length; i++) {
        const v = data.values[i];
        if (Number.isNaN(v)) continue;
        lines.push(`${sampleName}{${labelText}} ${v} ${(data.start + i * data.step) / 1000}`);
      }
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/**
 * A counter whose rate follows `rate(t)` (per second), reset to 0 at each of
 * `resets` evenly spaced times, sampled at `step`.
 */
export function counterWithResets(options: { rate: (t: number) => number; start: number; end: number; step: number; resets: number }): GeneratedSeries {
  const n = Math.floor((options.end - options.start) / options.step) + 1;
  const values = new Float64Array(n);
  let total = 0;
  const every = Math.floor(n / (options.resets + 1));
  for (let i = 0; i < n; i++) {
    const t = options.start + i * options.step;
    if (i > 0) total += options.rate(t) * (options.step / 1000);
    if (options.resets > 0 && i > 0 && i % every === 0) total = 0;
    values[i] = total;
  }
  return { start: options.start, step: options.step, values, anomalies: [] };
}
