import { describe, expect, it } from 'vitest';
import { parseInstant, parseNow } from '../../cli/parse-instant.js';

/**
 * `--now` (plan, review, validate, apply) and `capacity --at` name an instant: a date-time without an
 * offset is refused, not read in the machine's time zone — `new Date('2026-03-08T02:30:00')` is 02:30 UTC
 * under TZ=UTC and 07:30 UTC under TZ=America/New_York, and a change-window policy judged the same
 * `--now` both ways.
 */
describe('parseInstant', () => {
  it('takes an RFC 3339 date-time with its offset', () => {
    expect(parseInstant('2026-03-08T02:30:00Z')?.toISOString()).toBe('2026-03-08T02:30:00.000Z');
    expect(parseInstant('2026-03-08T02:30:00.25+05:30')?.toISOString()).toBe('2026-03-07T21:00:00.250Z');
    expect(parseInstant('2026-03-08 02:30:00-00:30')?.toISOString()).toBe('2026-03-08T03:00:00.000Z');
  });

  it('refuses a date-time the machine would read in its own time zone', () => {
    for (const text of ['2026-03-08T02:30:00', '2026-03-08T02:30', 'March 8, 2026 02:30', 'Sun Mar 08 2026 02:30:00', '2026/03/08 02:30:00', '2026-03-08']) {
      expect(parseInstant(text), text).toBeUndefined();
      expect(() => parseNow(text), text).toThrow(/RFC 3339/);
    }
  });
});
