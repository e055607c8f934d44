import type { CI } from '../model/ci.js';
import { detectAnomalies } from './anomaly.js';
import { formatDuration } from './format.js';
import { forecastSeries } from './forecast.js';
import type { MetricsSource } from './metrics-source.js';
import { MetricsError } from './prometheus.js';
import { lastPresent, presentCount, toGrid } from './series.js';
import { fieldCapacity, signalsOf } from './signals.js';
import type { CapacitySignal, Series, SignalReport } from './types.js';

const DAY = 86_400_000;

export interface EvaluateOptions {
  readonly source: MetricsSource;
  /** The forecasts start here; default the recording's time, else the wall clock. */
  readonly now?: number;
  /** Signals evaluated at once. Default 8. */
  readonly concurrency?: number;
  /** Keep each signal's history in its report (sparklines, charts, recordings). */
  readonly keepHistory?: boolean;
  readonly signal?: AbortSignal;
  /** Look for anomalies where signals ask for it (default true); plan and review skip it, they only need the forecasts. */
  readonly anomalies?: boolean;
  /** Called with each fetched series (query → series), e.g. to record them. */
  readonly onSeries?: (query: string, series: Series) => void;
}

/** Every signal of the given CIs, in CI order then declaration order. */
export function collectSignals(cis: Iterable<CI>): { ci: CI; signal: CapacitySignal }[] {
  const out: { ci: CI; signal: CapacitySignal }[] = [];
  for (const ci of cis) for (const signal of signalsOf(ci)) out.push({ ci, signal });
  return out;
}

/**
 * Reads, forecasts and checks every capacity signal of `cis`: the history over
 * the signal's lookback at its step, the capacity (a number, a field of the CI,
 * or the last value of a query), the forecast (engine/capacity/forecast.ts), the
 * days until usage reaches the headroom limit and the capacity, the status and
 * the anomalies. A signal whose data cannot be read gets status `unknown` with
 * the reason; the others are unaffected. Never throws for a signal's data.
 *
 * Status: `critical` when usage is forecast to reach the capacity within the
 * horizon (or already has), `warning` when it passes capacity × (1 − headroom)
 * within the horizon, `ok` otherwise, `unknown` without data.
 */
export async function evaluateCapacity(cis: Iterable<CI>, options: EvaluateOptions): Promise<SignalReport[]> {
  const work = collectSignals(cis);
  const now = options.now ?? options.source.recordedAt ?? Date.now();
  const reports: SignalReport[] = new Array(work.length);
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const i = next++;
      reports[i] = await evaluateSignal(work[i].ci, work[i].signal, now, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, work.length)) }, worker));
  return reports;
}

async function evaluateSignal(ci: CI, signal: CapacitySignal, now: number, options: EvaluateOptions): Promise<SignalReport> {
  const base = {
    ci: ci.id,
    signal: signal.name,
    ...(signal.unit ? { unit: signal.unit } : {}),
    horizonMs: signal.horizonMs,
    anomalies: [],
    daysToExhaustion: null,
    daysToLimit: null,
  } as const;
  const unknown = (reason: string, error?: string): SignalReport => ({ ...base, status: 'unknown', reason, ...(error ? { error } : {}) });
  const end = Math.floor(now / signal.stepMs) * signal.stepMs;
  const start = end - signal.lookbackMs;
  let history: Series;
  let capacity: number;
  try {
    const results = await options.source.queryRange(signal.usage, start, end, signal.stepMs, options.signal);
    if (results.length === 0) return unknown(`no data for ${signal.usage} in the last ${formatDuration(signal.lookbackMs)}`);
    if (results.length > 1)
      return unknown(`the usage query returned ${results.length} series; aggregate it to one (e.g. sum(…) or max(…))`, 'more than one series');
    history = toGrid(results[0].samples, start, end, signal.stepMs);
    options.onSeries?.(signal.usage, history);
    const resolved = await capacityOf(ci, signal, end, options);
    if (typeof resolved === 'object') return unknown(resolved.error, resolved.error);
    capacity = resolved;
  } catch (e) {
    if (e instanceof MetricsError) return unknown(e.message, e.message);
    throw e;
  }
  const current = lastPresent(history);
  if (!current || presentCount(history) < 3) return unknown(`too few samples for ${signal.usage} (${presentCount(history)})`);
  const limit = capacity * (1 - signal.headroom);
  const forecast = forecastSeries(history, { method: signal.method, horizonMs: signal.horizonMs, now: end, levels: [limit, capacity] });
  const anomalies = signal.anomalies && options.anomalies !== false ? detectAnomalies(history, { ci: ci.id, signal: signal.name }) : [];
  const days = (t: number | null | undefined) => (t === null || t === undefined ? null : Math.max(0, (t - end) / DAY));
  const daysToLimit = days(forecast?.crossings[0]);
  const daysToExhaustion = days(forecast?.crossings[1]);
  const horizonDays = signal.horizonMs / DAY;
  const status =
    daysToExhaustion !== null && daysToExhaustion <= horizonDays ? 'critical' : daysToLimit !== null && daysToLimit <= horizonDays ? 'warning' : 'ok';
  const pct = (v: number) => `${Math.round((100 * v) / capacity)} %`;
  const reason =
    current.value >= capacity
      ? `usage is at ${pct(current.value)} of capacity`
      : status === 'critical'
        ? `forecast to reach capacity in ${daysToExhaustion!.toFixed(1)} days (horizon ${formatDuration(signal.horizonMs)})`
        : status === 'warning'
          ? `forecast to pass ${pct(limit)} of capacity in ${daysToLimit!.toFixed(1)} days (headroom ${Math.round(signal.headroom * 100)} %)`
          : `forecast at ${pct(forecast?.atHorizon.mean ?? current.value)} of capacity in ${formatDuration(signal.horizonMs)}`;
  const { crossings: _crossings, ...kept } = forecast ?? { crossings: [] };
  return {
    ...base,
    status,
    reason,
    now: current.value,
    capacity,
    limit,
    ...(forecast ? { forecast: kept as NonNullable<SignalReport['forecast']> } : {}),
    daysToExhaustion,
    daysToLimit,
    anomalies,
    ...(options.keepHistory ? { history } : {}),
  };
}

async function capacityOf(ci: CI, signal: CapacitySignal, end: number, options: EvaluateOptions): Promise<number | { error: string }> {
  const source = signal.capacity;
  if ('value' in source) return source.value;
  if ('field' in source) return fieldCapacity(ci, source.field, source.scale);
  // the latest value of the capacity query (capacity changes: a resized volume, a scaled node pool)
  const results = await options.source.queryRange(source.query, end - 10 * signal.stepMs, end, signal.stepMs, options.signal);
  if (results.length !== 1)
    return {
      error: results.length ? `the capacity query returned ${results.length} series; aggregate it to one` : `no data for the capacity query ${source.query}`,
    };
  const last = results[0].samples[results[0].samples.length - 1];
  if (!last || !(last[1] > 0)) return { error: `the capacity query ${source.query} has no positive value` };
  return last[1];
}
