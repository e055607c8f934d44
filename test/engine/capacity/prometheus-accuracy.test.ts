/**
 * Forecast accuracy and anomaly detection against a real Prometheus: series
 * with known ground truth are backfilled with promtool, the server is started
 * on 127.0.0.1 and plumb reads them through /api/v1/query_range as it does in
 * production. Figures are printed (and kept in docs/capacity.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCapacity } from '../../../engine/capacity/evaluate.js';
import { prometheusSource } from '../../../engine/capacity/prometheus.js';
import type { SignalReport } from '../../../engine/capacity/types.js';
import { ci } from '../../helpers/make-repo.js';
import { prometheusBinaries, prometheusRequired, startPrometheus, type RunningPrometheus } from '../../prometheus/prometheus.js';
import {
  counterWithResets,
  DAY,
  generate,
  HOUR,
  MINUTE,
  toOpenMetrics,
  trueCrossing,
  WEEK,
  type GeneratedSeries,
  type Shape,
} from '../../prometheus/synthetic-series.js';

const bins = prometheusBinaries();
const available = !('unavailable' in bins);
if (!available && prometheusRequired()) throw new Error((bins as { unavailable: string }).unavailable);

const STEP = 5 * MINUTE;
// A fixed phase against the daily and weekly cycles (a week boundary, plus 7 h), so every
// run sees the same data and truth: the first crossing of a seasonal curve jumps by a day
// or a week when its peak only just touches capacity (forecast-phases.test.ts measures
// that over 24 phases). A whole week back, so the backfilled blocks are all in the past.
const END = Math.floor(Date.now() / WEEK) * WEEK - WEEK + 7 * HOUR;
const START = END - 28 * DAY;
const CAPACITY = 1000;

const shapes: Record<string, Shape> = {
  linear: { base: 400, slope: 10, daily: 0, weekly: 0, t0: START },
  'linear-gaps': { base: 350, slope: 12, daily: 0, weekly: 0, t0: START },
  seasonal: { base: 400, slope: 10, daily: 40, weekly: 25, t0: START },
  'seasonal-slow': { base: 300, slope: 6, daily: 60, weekly: 30, t0: START },
  flat: { base: 500, slope: 0, daily: 0, weekly: 0, t0: START },
  'flat-seasonal': { base: 500, slope: 0, daily: 80, weekly: 40, t0: START },
  anomalies: { base: 300, slope: 0, daily: 50, weekly: 30, t0: START },
  control: { base: 300, slope: 0, daily: 50, weekly: 30, t0: START },
};
const series: Record<string, GeneratedSeries> = {
  linear: generate({ shape: shapes.linear, start: START, end: END, step: STEP, noise: 8, seed: 1 }),
  'linear-gaps': generate({ shape: shapes['linear-gaps'], start: START, end: END, step: STEP, noise: 8, seed: 2, gaps: 8 }),
  seasonal: generate({ shape: shapes.seasonal, start: START, end: END, step: STEP, noise: 6, seed: 3 }),
  'seasonal-slow': generate({ shape: shapes['seasonal-slow'], start: START, end: END, step: STEP, noise: 6, seed: 4 }),
  flat: generate({ shape: shapes.flat, start: START, end: END, step: STEP, noise: 30, seed: 5 }),
  'flat-seasonal': generate({ shape: shapes['flat-seasonal'], start: START, end: END, step: STEP, noise: 10, seed: 6 }),
  anomalies: generate({ shape: shapes.anomalies, start: START, end: END, step: STEP, noise: 5, seed: 7, anomalies: 20 }),
  control: generate({ shape: shapes.control, start: START, end: END, step: STEP, noise: 5, seed: 8 }),
};
// requests per second growing 5/s per day from 100/s, with six counter resets (restarts)
const requestRate = (t: number) => 100 + (5 * (t - START)) / DAY;
const counter = counterWithResets({ rate: requestRate, start: START, end: END, step: STEP, resets: 6 });

function signalCi(name: string, usage: string, extra: Record<string, unknown> = {}) {
  return ci({
    kind: 'Database',
    name,
    spec: { engine: 'postgres', storageGb: 1 },
    extra: { capacity: [{ name: 'usage', usage, capacity: CAPACITY, headroom: 0.2, horizon: '60d', ...extra }] },
  });
}

describe.skipIf(!available)('capacity against a real Prometheus (backfilled with promtool)', () => {
  let prometheus: RunningPrometheus;
  let reports: Map<string, SignalReport>;

  beforeAll(async () => {
    prometheus = await startPrometheus(
      toOpenMetrics([
        { name: 'plumb_test_usage', type: 'gauge', series: Object.entries(series).map(([kind, data]) => ({ labels: { series: kind }, data })) },
        { name: 'plumb_test_requests', type: 'counter', series: [{ labels: { job: 'api' }, data: counter }] },
      ]),
    );
    const source = await prometheusSource({ url: prometheus.url, timeoutMs: 30_000 }, process.cwd());
    const cis = [
      ...Object.keys(series).map((kind) => signalCi(kind, `plumb_test_usage{series="${kind}"}`)),
      ci({
        kind: 'Endpoint',
        name: 'api',
        spec: { url: 'http://127.0.0.1/' },
        extra: { capacity: [{ name: 'usage', usage: 'sum(rate(plumb_test_requests_total{job="api"}[15m]))', capacity: 400, horizon: '60d' }] },
      }),
    ];
    const all = await evaluateCapacity(cis, { source, now: END });
    reports = new Map(all.map((r) => [r.ci.split('/')[1], r]));
  }, 300_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  const figures: string[] = [];
  afterAll(() => {
    if (figures.length) console.log(['series | method | predicted days | true days | error', ...figures].join('\n'));
  });

  function checkExhaustion(kind: string, truthAt: number | null, report: SignalReport) {
    expect(report.status, report.reason).not.toBe('unknown');
    expect(truthAt).not.toBeNull();
    const truth = (truthAt! - END) / DAY;
    const predicted = report.daysToExhaustion;
    figures.push(
      `${kind} | ${report.forecast?.method}${report.forecast?.seasonMs ? ` (${report.forecast.seasonMs / DAY} d)` : ''} | ${predicted?.toFixed(2)} | ${truth.toFixed(2)} | ${predicted === null ? '-' : ((100 * (predicted - truth)) / truth).toFixed(1)} %`,
    );
    expect(predicted).not.toBeNull();
    expect(Math.abs(predicted! - truth) / truth).toBeLessThanOrEqual(0.1);
  }

  for (const kind of ['linear', 'linear-gaps', 'seasonal', 'seasonal-slow']) {
    it(`${kind}: time to exhaustion within 10 % of the truth`, () => {
      checkExhaustion(kind, trueCrossing(shapes[kind], END, CAPACITY), reports.get(kind)!);
    });
  }

  it('a counter with resets, read through rate(): time to exhaustion within 10 % of the truth', () => {
    const report = reports.get('api')!;
    // 100 + 5·d reaches 400 on day 60 of the history
    checkExhaustion('counter rate', START + 60 * DAY, report);
  });

  it('seasonal series are forecast with Holt-Winters, picked by backtesting', () => {
    expect(reports.get('seasonal')!.forecast!.method).toBe('holt-winters');
    expect(reports.get('seasonal')!.forecast!.backtest.length).toBeGreaterThan(1);
  });

  for (const kind of ['flat', 'flat-seasonal']) {
    it(`${kind}: no exhaustion forecast on a series without trend`, () => {
      const report = reports.get(kind)!;
      figures.push(`${kind} | ${report.forecast?.method} | ${report.daysToExhaustion ?? 'none'} | none | -`);
      expect(report.daysToExhaustion).toBeNull();
      expect(report.status).toBe('ok');
    });
  }

  it('finds the 20 injected anomalies with precision and recall ≥ 0.9, and none on the control series', () => {
    const found = reports.get('anomalies')!.anomalies;
    const injected = series.anomalies.anomalies;
    const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start <= b.end + STEP && b.start <= a.end + STEP;
    const truePositives = found.filter((f) => injected.some((i) => overlaps(f, i))).length;
    const recalled = injected.filter((i) => found.some((f) => overlaps(f, i))).length;
    const precision = found.length ? truePositives / found.length : 0;
    const recall = recalled / injected.length;
    const control = reports.get('control')!.anomalies;
    console.log(
      `anomalies: injected ${injected.length}, reported ${found.length}, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, control false positives ${control.length}`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(control).toEqual([]);
  });
});
