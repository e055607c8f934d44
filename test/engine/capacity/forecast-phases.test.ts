/**
 * Time to exhaustion of seasonal series over 24 phases of the daily and
 * weekly cycles (the history ending every 7 hours through a week): how often
 * the forecast is within 10 % of the truth, and by how much it misses when it
 * is not. Offline (the series go straight to the forecaster); the same series
 * through a real Prometheus are in prometheus-accuracy.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { forecastSeries } from '../../../engine/capacity/forecast.js';
import { DAY, generate, HOUR, MINUTE, trueCrossing } from '../../prometheus/synthetic-series.js';

const WEEK_START = Date.parse('2026-11-26T00:00:00Z'); // a Thursday, as the epoch's weeks start

const cases = {
  seasonal: { base: 400, slope: 10, daily: 40, weekly: 25 },
  'seasonal-slow': { base: 300, slope: 6, daily: 60, weekly: 30 },
};

describe('seasonal forecasts over 24 phases', () => {
  for (const [name, shape] of Object.entries(cases)) {
    it(`${name}: at least 90 % of phases within 10 % of the true time to exhaustion`, () => {
      const errors: number[] = [];
      for (let h = 0; h < 168; h += 7) {
        const end = WEEK_START + h * HOUR;
        const start = end - 28 * DAY;
        const s = { ...shape, t0: start };
        const series = generate({ shape: s, start, end, step: 5 * MINUTE, noise: 6, seed: 3 });
        const f = forecastSeries(series, { method: 'auto', horizonMs: 60 * DAY, now: end, levels: [1000] })!;
        const truth = (trueCrossing(s, end, 1000)! - end) / DAY;
        errors.push(((f.crossings[0]! - end) / DAY - truth) / truth);
      }
      const abs = errors.map(Math.abs).sort((a, b) => a - b);
      const within = abs.filter((e) => e <= 0.1).length / abs.length;
      console.log(
        `${name}: ${(within * 100).toFixed(0)} % of 24 phases within 10 %; median |error| ${(abs[12] * 100).toFixed(1)} %, worst ${(abs[23] * 100).toFixed(1)} %`,
      );
      expect(within).toBeGreaterThanOrEqual(0.9);
      expect(abs[12]).toBeLessThan(0.02);
    });
  }
});
