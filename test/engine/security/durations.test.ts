import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, parseDuration } from '../../../engine/model/duration.js';
import { parseDurationOption } from '../../../cli/actions/apply.js';
import { validateNotifications } from '../../../engine/config/notifications.js';

describe('durations stay within what a timer can wait', () => {
  // attack: `timeout: 1000d` overflowed setTimeout, which then fired at once; `0s` disabled a wait
  it.each(['1000d', '25d', String(2 ** 31)])('refuses %s', (value) => {
    expect(() => parseDuration(value, 'targets.x.timeout')).toThrow(expect.objectContaining({ code: 'config.bad-duration' }));
    expect(() => parseDurationOption(value, '--health-timeout')).toThrow(expect.objectContaining({ code: 'cli.bad-option' }));
  });

  it.each(['0s', '0', '0ms'])('refuses %s', (value) => {
    expect(() => parseDuration(value, 'targets.x.timeout')).toThrow(expect.objectContaining({ code: 'config.bad-duration' }));
    expect(() => parseDurationOption(value, '--interval')).toThrow(expect.objectContaining({ code: 'cli.bad-option' }));
  });

  it('accepts the longest timer and everything shorter', () => {
    expect(parseDuration('24d', 's')).toBe(24 * 86_400_000);
    expect(parseDuration(`${MAX_TIMER_MS}ms`, 's')).toBe(MAX_TIMER_MS);
    expect(parseDurationOption('1ms', '--interval')).toBe(1);
  });

  it('refuses a notification timeout past the timer range at its position', () => {
    const { diagnostics } = validateNotifications({ ops: { type: 'webhook', urlEnv: 'U', timeout: '30d' } }, () => ({
      file: 'plumb.yaml',
      line: 3,
      column: 5,
    }));
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['config.invalid', 3]]);
  });
});
