import { linearRegression, mean, probit } from 'simple-statistics';
import { downsample, fillGaps, presentCount } from './series.js';
import type { BacktestScore, Forecast, ForecastMethodName, ForecastPoint, Series } from './types.js';

/**
 * Forecasting of one capacity signal.
 *
 * - `linear`: ordinary least squares over every sample, as PromQL's
 *   `predict_linear` fits (simple-statistics `linearRegression`), with the
 *   textbook prediction interval of a regression line.
 * - `holt-winters`: additive Holt-Winters (level, trend, season) on the series
 *   averaged to one value per hour, with a daily (24) or weekly (168) season.
 *
 * `auto` fits every candidate on all but the tail of the history, forecasts
 * the tail, and keeps the one with the lowest mean absolute error
 * (backtesting), then refits it on the whole history.
 *
 * The statistics (regression, means, normal quantiles) are simple-statistics.
 * The Holt-Winters recurrence is written out here: npm has no maintained
 * implementation (`holtwinters` 0.0.1 and `holt-winters` 0.0.0 are
 * placeholders), and its smoothing parameters are chosen by a small grid search
 * on the one-step-ahead squared error, as R's `HoltWinters` does with an
 * optimiser.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;
/** 95 % two-sided. */
const Z95 = probit(0.975);

/** A fitted model: the mean and standard deviation `h` model steps after the last sample. */
export interface FittedModel {
  readonly method: ForecastMethodName;
  readonly seasonMs?: number;
  /** Time of the last fitted sample. */
  readonly origin: number;
  readonly step: number;
  /** Trend per model step. */
  readonly trendPerStep: number;
  /** The mean forecast `h` model steps after the last sample. */
  mean(h: number): number;
  /** Its standard deviation (for the prediction interval). */
  sd(h: number): number;
}

/** Least squares over the present samples; undefined with fewer than 3. */
export function fitLinear(series: Series): FittedModel | undefined {
  const points: [number, number][] = [];
  for (let i = 0; i < series.values.length; i++) if (!Number.isNaN(series.values[i])) points.push([i, series.values[i]]);
  if (points.length < 3) return undefined;
  const { m, b } = linearRegression(points);
  const xs = points.map((p) => p[0]);
  const xMean = mean(xs);
  let sxx = 0;
  let sse = 0;
  for (const [x, y] of points) {
    sxx += (x - xMean) ** 2;
    sse += (y - (m * x + b)) ** 2;
  }
  const n = points.length;
  const sigma = Math.sqrt(sse / Math.max(1, n - 2));
  const last = series.values.length - 1;
  return {
    method: 'linear',
    origin: series.start + last * series.step,
    step: series.step,
    trendPerStep: m,
    mean: (h) => m * (last + h) + b,
    sd: (h) => sigma * Math.sqrt(1 + 1 / n + (last + h - xMean) ** 2 / (sxx || 1)),
  };
}

/** The smoothing-parameter grid searched by `fitHoltWinters`. */
const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5];
const BETAS = [0, 0.005, 0.02, 0.05];
const GAMMAS = [0.05, 0.1, 0.2, 0.3, 0.5];

/**
 * Additive Holt-Winters on an hourly (or coarser) series with a season of
 * `season` steps. Needs two whole seasons. Initial level and trend come from a
 * least-squares line over the fitted range, the initial season from the
 * detrended mean of each position; α, β, γ minimise the one-step squared error.
 * Gaps are bridged by straight lines first.
 */
export function fitHoltWinters(series: Series, season: number): FittedModel | undefined {
  const n = series.values.length;
  if (season < 2 || n < 2 * season || presentCount(series) < 2 * season) return undefined;
  const y = fillGaps(series.values);
  const line = linearRegression(Array.from(y, (v, i) => [i, v]));
  const seasonInit = new Float64Array(season);
  const counts = new Float64Array(season);
  for (let i = 0; i < n; i++) {
    seasonInit[i % season] += y[i] - (line.m * i + line.b);
    counts[i % season]++;
  }
  for (let s = 0; s < season; s++) seasonInit[s] /= counts[s] || 1;
  const shift = mean(Array.from(seasonInit));
  for (let s = 0; s < season; s++) seasonInit[s] -= shift;

  let best: { sse: number; alpha: number; beta: number; gamma: number } | undefined;
  const seasonal = new Float64Array(season);
  for (const alpha of ALPHAS)
    for (const beta of BETAS)
      for (const gamma of GAMMAS) {
        const sse = run(y, season, line, seasonInit, seasonal, alpha, beta, gamma).sse;
        if (!best || sse < best.sse) best = { sse, alpha, beta, gamma };
      }
  const { alpha, beta, gamma, sse } = best!;
  const final = run(y, season, line, seasonInit, seasonal, alpha, beta, gamma);
  const sigma = Math.sqrt(sse / Math.max(1, n - 3));
  const seasonFinal = Float64Array.from(seasonal);
  return {
    method: 'holt-winters',
    seasonMs: season * series.step,
    origin: series.start + (n - 1) * series.step,
    step: series.step,
    trendPerStep: final.trend,
    // the season position of step n - 1 + h
    mean: (h) => final.level + h * final.trend + seasonFinal[(n - 1 + h) % season],
    sd: (h) => sigma * Math.sqrt(holtWintersVariance(Math.round(h), season, alpha, beta, gamma)),
  };
}

/**
 * Hyndman et al. (2008), class 1 (additive Holt-Winters): the h-step forecast
 * variance in units of σ², 1 + Σ_{j=1}^{h-1} (α(1 + jβ) + γ·[j mod m = 0])²,
 * summed in closed form.
 */
function holtWintersVariance(h: number, m: number, alpha: number, beta: number, gamma: number): number {
  const n = Math.max(0, h - 1);
  const a = alpha;
  const b = alpha * beta;
  const s1 = (n * (n + 1)) / 2;
  const s2 = (n * (n + 1) * (2 * n + 1)) / 6;
  const k = Math.floor(n / m);
  // the extra of the season terms: (a + b·km + γ)² − (a + b·km)² summed over k = 1…K
  const seasonExtra = k * (2 * gamma * a + gamma * gamma) + 2 * gamma * b * m * ((k * (k + 1)) / 2);
  return 1 + n * a * a + 2 * a * b * s1 + b * b * s2 + seasonExtra;
}

function run(
  y: Float64Array,
  season: number,
  line: { m: number; b: number },
  seasonInit: Float64Array,
  seasonal: Float64Array,
  alpha: number,
  beta: number,
  gamma: number,
): { sse: number; level: number; trend: number } {
  seasonal.set(seasonInit);
  let level = line.b;
  let trend = line.m;
  let sse = 0;
  for (let i = 0; i < y.length; i++) {
    const s = seasonal[i % season];
    const predicted = level + trend + s;
    if (i > 0) sse += (y[i] - predicted) ** 2;
    const previousLevel = level;
    level = i === 0 ? y[0] - s : alpha * (y[i] - s) + (1 - alpha) * (level + trend);
    if (i > 0) trend = beta * (level - previousLevel) + (1 - beta) * trend;
    seasonal[i % season] = gamma * (y[i] - level) + (1 - gamma) * s;
  }
  return { sse, level, trend };
}

interface Candidate {
  readonly method: ForecastMethodName;
  readonly seasonSteps?: number;
}

/** The candidates a history can support: linear always, Holt-Winters with each season it holds twice over. */
function candidates(hourly: Series, method: 'auto' | ForecastMethodName): Candidate[] {
  const out: Candidate[] = [];
  if (method !== 'holt-winters') out.push({ method: 'linear' });
  if (method !== 'linear') {
    for (const seasonMs of [DAY, 7 * DAY]) {
      const steps = Math.round(seasonMs / hourly.step);
      if (hourly.values.length >= 3 * steps) out.push({ method: 'holt-winters', seasonSteps: steps });
    }
    if (method === 'holt-winters' && out.length === 0 && hourly.values.length >= 2 * 24)
      out.push({ method: 'holt-winters', seasonSteps: Math.round(DAY / hourly.step) });
  }
  return out;
}

function fit(candidate: Candidate, raw: Series, hourly: Series): FittedModel | undefined {
  return candidate.method === 'linear' ? fitLinear(raw) : fitHoltWinters(hourly, candidate.seasonSteps!);
}

function slice(series: Series, from: number, to: number): Series {
  return { start: series.start + from * series.step, step: series.step, values: series.values.subarray(from, to) };
}

export interface ForecastOptions {
  readonly method: 'auto' | ForecastMethodName;
  readonly horizonMs: number;
  /** The forecast starts here (usually the end of the history). */
  readonly now: number;
  /** Levels whose first crossing is wanted (the headroom limit, the capacity). */
  readonly levels: readonly number[];
}

/**
 * Fits and picks a model (see the module comment) and forecasts: the path to
 * the horizon, the point at the horizon with its 95 % interval, and the first
 * time the mean reaches each level (up to a year ahead; null if never, or if
 * the trend points away from it). Undefined when the history is too short for
 * any method (fewer than 3 samples).
 */
export function forecastSeries(series: Series, options: ForecastOptions): (Forecast & { crossings: (number | null)[] }) | undefined {
  const hourlyFactor = Math.max(1, Math.round(HOUR / series.step));
  const hourly = downsample(series, hourlyFactor);
  const all = candidates(hourly, options.method);
  if (all.length === 0) return undefined;

  const backtest: BacktestScore[] = [];
  let chosen = all[0];
  if (all.length > 1) {
    // hold out the last quarter of the history, at most the horizon, in whole hours
    const holdHours = Math.max(1, Math.min(Math.floor(hourly.values.length / 4), Math.round(options.horizonMs / HOUR)));
    const cutHourly = hourly.values.length - holdHours;
    const cutRaw = series.values.length - holdHours * hourlyFactor;
    const trainRaw = slice(series, 0, cutRaw);
    const trainHourly = slice(hourly, 0, cutHourly);
    let bestMae = Number.POSITIVE_INFINITY;
    for (const candidate of all) {
      if (candidate.method === 'holt-winters' && trainHourly.values.length < 2 * candidate.seasonSteps!) continue;
      const model = fit(candidate, trainRaw, trainHourly);
      if (!model) continue;
      let err = 0;
      let count = 0;
      for (let h = 1; h <= holdHours; h++) {
        const actual = hourly.values[cutHourly + h - 1];
        if (Number.isNaN(actual)) continue;
        const t = trainHourly.start + (cutHourly + h - 1) * hourly.step;
        err += Math.abs(actual - meanAt(model, t));
        count++;
      }
      const mae = count ? err / count : Number.POSITIVE_INFINITY;
      backtest.push({ method: candidate.method, mae, ...(candidate.seasonSteps ? { seasonMs: candidate.seasonSteps * hourly.step } : {}) });
      if (mae < bestMae) {
        bestMae = mae;
        chosen = candidate;
      }
    }
  }
  const model = fit(chosen, series, hourly) ?? fitLinear(series);
  if (!model) return undefined;

  const horizonEnd = options.now + options.horizonMs;
  const pathStep = Math.max(model.step, Math.ceil(options.horizonMs / 200 / model.step) * model.step);
  const path: ForecastPoint[] = [];
  for (let t = options.now; t <= horizonEnd; t += pathStep) path.push(pointAt(model, t));
  const atHorizon = pointAt(model, horizonEnd);
  const crossings = options.levels.map((level) => firstCrossing(model, options.now, level));
  return {
    method: model.method,
    ...(model.seasonMs ? { seasonMs: model.seasonMs } : {}),
    backtest,
    atHorizon,
    path,
    exhaustionAt: crossings[crossings.length - 1] ?? null,
    trendPerDay: (model.trendPerStep * DAY) / model.step,
    crossings,
  };
}

function stepsAhead(model: FittedModel, t: number): number {
  return Math.max(0, (t - model.origin) / model.step);
}

/** The mean at time t, interpolated between model steps. */
function meanAt(model: FittedModel, t: number): number {
  const h = stepsAhead(model, t);
  const lo = Math.floor(h);
  const a = model.mean(lo);
  if (h === lo) return a;
  return a + (model.mean(lo + 1) - a) * (h - lo);
}

function pointAt(model: FittedModel, t: number): ForecastPoint {
  const h = Math.round(stepsAhead(model, t));
  const m = model.mean(h);
  const sd = model.sd(h);
  return { t, mean: m, lower: m - Z95 * sd, upper: m + Z95 * sd };
}

/**
 * The first time after `from` at which the mean forecast reaches `level`
 * (interpolated between steps), within a year; null otherwise. Already at or
 * above the level: `from`. The linear model is solved directly; Holt-Winters is
 * walked step by step, since its season makes the path cross at a peak.
 */
export function firstCrossing(model: FittedModel, from: number, level: number): number | null {
  const start = Math.round(stepsAhead(model, from));
  if (model.mean(start) >= level) return from;
  if (model.method === 'linear') {
    if (model.trendPerStep <= 0) return null;
    const h = start + (level - model.mean(start)) / model.trendPerStep;
    const t = model.origin + h * model.step;
    return t - from <= YEAR ? t : null;
  }
  const maxSteps = start + Math.ceil(YEAR / model.step);
  let previous = model.mean(start);
  for (let h = start + 1; h <= maxSteps; h++) {
    const current = model.mean(h);
    if (current >= level) {
      const fraction = (level - previous) / (current - previous || 1);
      return model.origin + (h - 1 + fraction) * model.step;
    }
    previous = current;
  }
  return null;
}
