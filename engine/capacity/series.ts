import type { Series } from './types.js';

/**
 * Samples (time in ms, value) → a regular grid from `start` to `end` at `step`,
 * NaN where no sample falls. A sample lands in the slot it is nearest to;
 * Prometheus's query_range already returns samples on the grid, so this only
 * has to place them and mark the gaps.
 */
export function toGrid(samples: Iterable<readonly [number, number]>, start: number, end: number, step: number): Series {
  const n = Math.max(0, Math.floor((end - start) / step) + 1);
  const values = new Float64Array(n).fill(Number.NaN);
  for (const [t, v] of samples) {
    const i = Math.round((t - start) / step);
    if (i >= 0 && i < n && Number.isFinite(v)) values[i] = v;
  }
  return { start, step, values };
}

/** How many samples are present (not NaN). */
export function presentCount(series: Series): number {
  let n = 0;
  for (const v of series.values) if (!Number.isNaN(v)) n++;
  return n;
}

/** The last present sample, or undefined when the series is empty. */
export function lastPresent(series: Series): { t: number; value: number } | undefined {
  for (let i = series.values.length - 1; i >= 0; i--) {
    if (!Number.isNaN(series.values[i])) return { t: series.start + i * series.step, value: series.values[i] };
  }
  return undefined;
}

/**
 * Means over buckets of `factor` samples (5 m → 1 h is factor 12), aligned to
 * the series start; a bucket with no sample is NaN.
 */
export function downsample(series: Series, factor: number): Series {
  if (factor <= 1) return series;
  const n = Math.floor(series.values.length / factor);
  // keep the most recent samples: drop the oldest remainder so the last bucket ends at the last sample
  const offset = series.values.length - n * factor;
  const values = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    let sum = 0;
    let count = 0;
    for (let i = offset + b * factor; i < offset + (b + 1) * factor; i++) {
      const v = series.values[i];
      if (!Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    values[b] = count ? sum / count : Number.NaN;
  }
  return { start: series.start + offset * series.step + (factor - 1) * series.step, step: series.step * factor, values };
}

/**
 * Gaps filled by straight lines between the samples either side (the ends
 * repeat the nearest sample), for the methods that need every step. Returns a
 * copy; an all-NaN series stays NaN.
 */
export function fillGaps(values: Float64Array): Float64Array {
  const out = Float64Array.from(values);
  let prev = -1;
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && Number.isNaN(out[i])) continue;
    if (i - prev > 1) {
      const from = prev >= 0 ? out[prev] : i < out.length ? out[i] : Number.NaN;
      const to = i < out.length ? out[i] : from;
      for (let j = prev + 1; j < i; j++) out[j] = from + ((to - from) * (j - prev)) / (i - prev);
    }
    prev = i;
  }
  return out;
}
