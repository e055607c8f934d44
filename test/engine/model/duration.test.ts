import { describe, expect, it } from 'vitest';
import { parseDuration, toMilliseconds } from '../../../engine/model/duration.js';

describe('durations: one rule for plumb.yaml and the command line', () => {
  it('reads a number with a unit', () => {
    expect(['500ms', '30s', '2m', '1h', '1d', '1.5s', ' 30s ', '90 seconds'].map(toMilliseconds)).toEqual([
      500, 30_000, 120_000, 3_600_000, 86_400_000, 1500, 30_000, 90_000,
    ]);
  });

  it('reads a bare number as seconds, written as YAML number or as text', () => {
    expect([toMilliseconds(30), toMilliseconds('30'), toMilliseconds(0.5), toMilliseconds('0')]).toEqual([30_000, 30_000, 500, 0]);
  });

  it('refuses what is not a duration', () => {
    expect(['soon', '', '-1s', '30x', '1e3', 's', '3 0s', null, true, {}, -5, Number.NaN, Infinity].map(toMilliseconds)).toEqual(Array(13).fill(undefined));
  });

  it('parseDuration names the setting and quotes the value, with the code the caller asks for', () => {
    expect(() => parseDuration('soon', 'targets.x.timeout')).toThrow(
      expect.objectContaining({ code: 'config.bad-duration', message: 'targets.x.timeout must be a duration like 30s, 500ms or 2m, not "soon"' }),
    );
    expect(() => parseDuration('0', '--interval', { code: 'cli.bad-option' })).toThrow(expect.objectContaining({ code: 'cli.bad-option' }));
    expect(parseDuration('0', '--interval', { minMs: 0 })).toBe(0);
    expect(parseDuration(30, 'timeout')).toBe(30_000);
  });
});
