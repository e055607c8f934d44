import { linearRegression, medianAbsoluteDeviation, medianSorted } from 'simple-statistics';
import type { Anomaly, Series } from './types.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** MAD → standard deviation of a normal distribution. */
const MAD_TO_SD = 1.4826;

export interface AnomalyOptions {
  readonly ci: string;
  readonly signal: string;
  /** Robust z-score above which a sample is anomalous. Default 6. */
  readonly threshold?: number;
  /** Anomalous samples at most this many steps apart form one window. Default 3. */
  readonly mergeGap?: number;
}

/**
 * Anomalies of a history against a robust seasonal baseline:
 *
 * 1. the linear trend is removed (least squares, simple-statistics);
 * 2. a daily profile: the median of the detrended samples at the same time of
 *    day (± one step) over every day of the history (when it holds two days);
 * 3. a weekly correction: the median of what is left at the same hour of the
 *    week (± 30 minutes) over every week (when the history holds two weeks) —
 *    the weekly cycle is slow, so a wide window costs nothing and keeps the
 *    median robust even when two weeks misbehave at the same hour;
 * 4. the residual is scored against the median absolute deviation of all
 *    residuals (× 1.4826, a robust standard deviation);
 * 5. samples scoring above the threshold are anomalous; anomalous samples close
 *    together form one window, reported with the sample furthest from its
 *    baseline.
 *
 * Medians and MADs make the baseline and the scale ignore the anomalies they
 * are looking for (up to half of the cycles at one position). Gaps (NaN) are
 * skipped. O(n · cycles) time.
 */
export function detectAnomalies(series: Series, options: AnomalyOptions): Anomaly[] {
  const { values, step, start } = series;
  const n = values.length;
  const present: [number, number][] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(values[i])) present.push([i, values[i]]);
  if (present.length < 12) return [];
  const { m, b } = linearRegression(present);
  const detrended = new Float64Array(n);
  for (let i = 0; i < n; i++) detrended[i] = values[i] - (m * i + b);

  const span = n * step;
  const expected = new Float64Array(n);
  if (span >= 2 * DAY) {
    const day = Math.round(DAY / step);
    const daily = seasonalMedians(detrended, day, 1);
    for (let i = 0; i < n; i++) expected[i] = daily[i % day];
    if (span >= 2 * WEEK) {
      const week = Math.round(WEEK / step);
      const rest = new Float64Array(n);
      for (let i = 0; i < n; i++) rest[i] = detrended[i] - expected[i];
      const weekly = seasonalMedians(rest, week, Math.max(1, Math.round(1_800_000 / step)));
      for (let i = 0; i < n; i++) expected[i] += weekly[i % week];
    }
  } else {
    expected.fill(medianOf(present.map(([i, v]) => v - (m * i + b))));
  }

  const residuals = new Float64Array(n).fill(Number.NaN);
  const finite: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(detrended[i]) || Number.isNaN(expected[i])) continue;
    residuals[i] = detrended[i] - expected[i];
    finite.push(residuals[i]);
  }
  if (finite.length < 12) return [];
  // the noise floor: never below a millionth of the typical level, so a perfectly flat series is not all anomalies
  const level = Math.abs(medianOf(present.map((p) => p[1])));
  const scale = Math.max(MAD_TO_SD * medianAbsoluteDeviation(finite), 1e-6 * level, Number.MIN_VALUE);
  const threshold = options.threshold ?? 6;
  const mergeGap = options.mergeGap ?? 3;

  const anomalies: Anomaly[] = [];
  let open: { first: number; last: number; peak: number } | undefined;
  const close = () => {
    if (!open) return;
    const p = open.peak;
    anomalies.push({
      ci: options.ci,
      signal: options.signal,
      start: start + open.first * step,
      end: start + open.last * step,
      peak: { t: start + p * step, value: values[p], expected: values[p] - residuals[p], score: Math.abs(residuals[p]) / scale },
      direction: residuals[p] > 0 ? 'spike' : 'dip',
    });
    open = undefined;
  };
  for (let i = 0; i < n; i++) {
    const r = residuals[i];
    if (Number.isNaN(r) || Math.abs(r) / scale <= threshold) continue;
    if (open && i - open.last > mergeGap) close();
    if (!open) open = { first: i, last: i, peak: i };
    open.last = i;
    if (Math.abs(r) > Math.abs(residuals[open.peak])) open.peak = i;
  }
  close();
  return anomalies;
}

/**
 * Per season position, the median of the values at that position (± `width`
 * steps) across all cycles; NaN where no value is present. The window does not
 * wrap around the season's end, so a cycle boundary never mixes times far apart.
 */
function seasonalMedians(values: Float64Array, season: number, width: number): Float64Array {
  const out = new Float64Array(season).fill(Number.NaN);
  const bucket: number[] = [];
  for (let s = 0; s < season; s++) {
    bucket.length = 0;
    for (let d = -width; d <= width; d++) {
      const pos = s + d;
      if (pos < 0 || pos >= season) continue;
      for (let i = pos; i < values.length; i += season) if (!Number.isNaN(values[i])) bucket.push(values[i]);
    }
    if (bucket.length) out[s] = medianOf(bucket);
  }
  return out;
}

/**
 * The median of `xs` (simple-statistics `medianSorted`), sorted as a
 * Float64Array: a typed array's numeric sort needs no comparator call per
 * comparison, and is what makes the per-position medians of a month of 5-minute
 * samples cost milliseconds instead of a hundred (measured: 70–120 ms → see
 * test/bench/capacity.ts).
 */
function medianOf(xs: ArrayLike<number>): number {
  return medianSorted(Float64Array.from(xs).sort() as unknown as number[]);
}
