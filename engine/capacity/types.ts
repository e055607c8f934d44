/**
 * Capacity signals, forecasts and anomalies (engine/capacity). Times are epoch
 * milliseconds, durations milliseconds, values in the unit of the usage query.
 */

/** Where a signal's capacity comes from, as declared. */
export type CapacitySource =
  | { readonly value: number }
  | { readonly query: string }
  /** A field of the CI (a dotted path such as `spec.storageGb`) times `scale` (e.g. 1e9 for GB → bytes). */
  | { readonly field: string; readonly scale: number };

export type ForecastMethodName = 'linear' | 'holt-winters';

/** One capacity signal of a CI, with defaults filled in (schemas/capacity.schema.json). */
export interface CapacitySignal {
  /** The CI's canonical identity. */
  readonly ci: string;
  /** Unique within the CI, e.g. `storage`, `memory`. */
  readonly name: string;
  /** PromQL; must return one series. */
  readonly usage: string;
  readonly capacity: CapacitySource;
  /** Fraction of capacity kept free: the signal is at risk once the forecast passes capacity × (1 − headroom). Default 0.2. */
  readonly headroom: number;
  /** How far ahead to forecast. Default 30 d. */
  readonly horizonMs: number;
  /** How much history to fit. Default 28 d. */
  readonly lookbackMs: number;
  /** Query resolution. Default 5 m. */
  readonly stepMs: number;
  /** `auto` picks by backtesting. Default auto. */
  readonly method: 'auto' | ForecastMethodName;
  /** Look for anomalies in the history. Default true. */
  readonly anomalies: boolean;
  /** For display: `bytes`, `percent`, `seconds`, or free text. */
  readonly unit?: string;
  /** JSON Pointer of the signal in the CI document (diagnostics). */
  readonly pointer: string;
}

/** A range of equally spaced samples; NaN marks a missing sample (a gap). */
export interface Series {
  /** Time of values[0]. */
  readonly start: number;
  readonly step: number;
  readonly values: Float64Array;
}

export interface ForecastPoint {
  readonly t: number;
  readonly mean: number;
  /** The 95 % prediction interval. */
  readonly lower: number;
  readonly upper: number;
}

export interface BacktestScore {
  readonly method: ForecastMethodName;
  /** Mean absolute error over the held-out tail, in the signal's unit. */
  readonly mae: number;
  /** Season length used (holt-winters), in ms. */
  readonly seasonMs?: number;
}

export interface Forecast {
  readonly method: ForecastMethodName;
  readonly seasonMs?: number;
  /** Backtest of every candidate (the chosen one has the lowest MAE), empty when the method was fixed. */
  readonly backtest: readonly BacktestScore[];
  /** The forecast at `now + horizon`. */
  readonly atHorizon: ForecastPoint;
  /** The forecast path from now, at the model's step, up to the horizon (for charts). */
  readonly path: readonly ForecastPoint[];
  /** First time the mean forecast reaches `limit`, searched up to one year ahead; null when it does not. */
  readonly exhaustionAt: number | null;
  /** Slope of the linear trend per day (also for holt-winters, from its level's trend). */
  readonly trendPerDay: number;
}

export type CapacityStatus = 'ok' | 'warning' | 'critical' | 'unknown';

/** A point or window of the history that breaks the seasonal pattern. */
export interface Anomaly {
  readonly ci: string;
  readonly signal: string;
  readonly start: number;
  /** Inclusive: the last anomalous sample. */
  readonly end: number;
  /** The sample furthest from its baseline. */
  readonly peak: { readonly t: number; readonly value: number; readonly expected: number; readonly score: number };
  readonly direction: 'spike' | 'dip';
}

/** The outcome for one signal. */
export interface SignalReport {
  readonly ci: string;
  readonly signal: string;
  readonly unit?: string;
  readonly status: CapacityStatus;
  /** Why the status is what it is, one sentence. */
  readonly reason: string;
  readonly now?: number;
  readonly capacity?: number;
  /** capacity × (1 − headroom). */
  readonly limit?: number;
  readonly horizonMs: number;
  readonly forecast?: Forecast;
  /** Days from now until usage reaches capacity; null when not within a year (or no data). */
  readonly daysToExhaustion: number | null;
  /** Days from now until usage passes the headroom limit; null likewise. */
  readonly daysToLimit: number | null;
  readonly anomalies: readonly Anomaly[];
  /** The fitted history (for sparklines and charts), when asked for. */
  readonly history?: Series;
  /** Set when the data could not be read; the status is then unknown. */
  readonly error?: string;
}
