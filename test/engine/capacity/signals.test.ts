import { describe, expect, it } from 'vitest';
import { forecastSeries, fitLinear } from '../../../engine/capacity/forecast.js';
import { signalsOf } from '../../../engine/capacity/signals.js';
import { checkCapacity } from '../../../engine/validate/check-capacity.js';
import { ci } from '../../helpers/make-repo.js';

const locate = () => ({ line: 7, column: 3 });
const DAY = 86_400_000;

describe('capacity signals', () => {
  it('fill defaults, resolve the annotation of a Kubernetes object, and skip what the schema refuses', () => {
    const db = ci({
      kind: 'Database',
      name: 'db',
      spec: { engine: 'postgres', storageGb: 10 },
      extra: {
        capacity: [
          { name: 'storage', usage: 'x', capacity: { field: 'spec.storageGb', scale: 1e9 } },
          { name: 'bad', usage: 'y' },
        ],
      },
    });
    expect(signalsOf(db)).toEqual([
      {
        ci: 'database:default/db',
        name: 'storage',
        usage: 'x',
        capacity: { field: 'spec.storageGb', scale: 1e9 },
        headroom: 0.2,
        horizonMs: 30 * DAY,
        lookbackMs: 28 * DAY,
        stepMs: 300_000,
        method: 'auto',
        anomalies: true,
        pointer: '/capacity/0',
      },
    ]);
    const deploy = ci({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'api',
      namespace: 'shop',
      annotations: { 'plumb.io/capacity': '[{name: cpu, usage: "sum(rate(x[5m]))", capacity: 8, horizon: 14d, step: 1h}]' },
    });
    expect(signalsOf(deploy)).toMatchObject([{ ci: 'deployment:shop/api', name: 'cpu', capacity: { value: 8 }, horizonMs: 14 * DAY, stepMs: 3_600_000 }]);
  });

  it('validation: a broken annotation, a duplicate name, a missing field, too many samples — each at its place', () => {
    const cis = [
      ci({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'shop', annotations: { 'plumb.io/capacity': '{not: a list' } }),
      ci({
        kind: 'Database',
        name: 'db',
        spec: { engine: 'postgres' },
        extra: {
          capacity: [
            { name: 's', usage: 'x', capacity: 1 },
            { name: 's', usage: 'y', capacity: { field: 'spec.storageGb' } },
            { name: 't', usage: 'z', capacity: 1, lookback: '1y', step: '1m' },
          ],
        },
      }),
    ];
    const found = checkCapacity(cis, locate).map((d) => [d.code, d.message, d.line]);
    expect(found).toEqual([
      ['capacity.invalid', 'annotation plumb.io/capacity is not a valid list of capacity signals', 7],
      ['capacity.duplicate-signal', 'database:default/db declares capacity signal s twice', 7],
      ['capacity.field-missing', 'capacity signal s: database:default/db has no field spec.storageGb', 7],
      ['capacity.range-too-large', 'capacity signal t asks for 525960 samples (lookback / step); at most 400000', 7],
    ]);
  });
});

describe('forecasts', () => {
  it('the linear fit is predict_linear: a straight line is extrapolated exactly, and its crossing solved', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 10 + 0.5 * i);
    const model = fitLinear({ start: 0, step: 60_000, values })!;
    expect(model.mean(10)).toBeCloseTo(10 + 0.5 * 109, 9);
    const f = forecastSeries({ start: 0, step: 60_000, values }, { method: 'linear', horizonMs: 60 * 60_000, now: 99 * 60_000, levels: [100] })!;
    // 10 + 0.5 i = 100 at i = 180: 81 steps after the last sample
    expect(f.exhaustionAt).toBeCloseTo(180 * 60_000, -1);
    expect(f.atHorizon.lower).toBeLessThanOrEqual(f.atHorizon.mean);
  });

  it('a falling or flat series never exhausts; one already over the level exhausts now', () => {
    const falling = Float64Array.from({ length: 500 }, (_, i) => 100 - 0.1 * i);
    expect(
      forecastSeries({ start: 0, step: 300_000, values: falling }, { method: 'auto', horizonMs: 30 * DAY, now: 499 * 300_000, levels: [200] })!.exhaustionAt,
    ).toBeNull();
    const over = Float64Array.from({ length: 50 }, () => 300);
    expect(
      forecastSeries({ start: 0, step: 300_000, values: over }, { method: 'linear', horizonMs: DAY, now: 49 * 300_000, levels: [200] })!.exhaustionAt,
    ).toBe(49 * 300_000);
  });

  it('fewer than three samples: no forecast', () => {
    expect(
      forecastSeries({ start: 0, step: 1000, values: Float64Array.of(1, Number.NaN, 2) }, { method: 'auto', horizonMs: 1000, now: 2000, levels: [5] }),
    ).toBeUndefined();
  });
});
