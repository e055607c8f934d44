import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Each expression against the instant it reads: a daylight-saving gap of New York (2026-03-08 02:00–03:00 local) and of Copenhagen (2026-03-29), a fall-back hour, a year's first and last day, a leap day. */
const CASES: readonly (readonly [string, string])[] = [
  ["timestamp('2026-03-08T02:30:00Z').getHours()", '2'],
  ["timestamp('2026-03-08T02:30:00Z').getHours('UTC')", '2'],
  ["timestamp('2026-03-29T02:30:00Z').getHours()", '2'],
  ["timestamp('2026-03-29T02:30:00Z').getMinutes()", '30'],
  ["timestamp('2026-03-08T07:30:00Z').getHours('America/New_York')", '3'],
  ["timestamp('2026-11-01T05:30:00Z').getHours('America/New_York')", '1'],
  ["timestamp('2026-11-01T06:30:00Z').getHours('America/New_York')", '1'],
  ["timestamp('2026-03-08T02:30:00Z').getHours('-05:00')", '21'],
  ["timestamp('2026-03-08T02:30:00Z').getHours('+05:30')", '8'],
  ["timestamp('2026-03-08T02:30:00Z').getMinutes('+05:30')", '0'],
  ["timestamp('2026-03-08T02:30:00Z').getDayOfWeek()", '0'],
  ["timestamp('2026-03-08T02:30:00Z').getDayOfWeek('America/New_York')", '6'],
  ["timestamp('2026-01-01T00:30:00Z').getDayOfYear()", '0'],
  ["timestamp('2026-01-01T00:30:00Z').getFullYear('America/New_York')", '2025'],
  ["timestamp('2026-01-01T00:30:00Z').getDayOfYear('America/New_York')", '364'],
  ["timestamp('2024-02-29T12:00:00Z').getDayOfYear()", '59'],
  ["timestamp('2024-02-29T12:00:00Z').getMonth()", '1'],
  ["timestamp('2024-02-29T12:00:00Z').getDate()", '29'],
  ["timestamp('2024-02-29T12:00:00Z').getDayOfMonth()", '28'],
  ["timestamp('2026-03-29T02:30:00.123Z').getMilliseconds('Europe/Copenhagen')", '123'],
  ["timestamp('2026-03-29T02:30:59Z').getSeconds('Europe/Copenhagen')", '59'],
  ["timestamp('2026-03-29T01:30:00Z').getHours('Europe/Copenhagen')", '3'],
  // years 0–99: Date.UTC reads them as 1900–1999 (0001-01-01 is a Monday, 1901-01-01 a Tuesday); year 0 (1 BC) is a leap year
  ["timestamp('0001-01-01T00:00:00Z').getDayOfWeek()", '1'],
  ["timestamp('0050-06-15T00:00:00Z').getDayOfWeek('UTC')", '3'],
  ["timestamp('0096-12-31T12:00:00Z').getDayOfWeek('+01:00')", '1'],
  ["timestamp('0096-12-31T12:00:00Z').getDayOfYear()", '365'],
  ["timestamp('0001-01-01T00:00:00Z').getDayOfWeek('-01:00')", '0'],
  ["timestamp('0001-01-01T00:00:00Z').getDayOfYear('-01:00')", '365'],
];

/** Evaluates every case in a process whose time zone is `tz`; one line per case (the value, or the error's message). */
function evaluateUnder(tz: string): string[] {
  const script = `
    import { compileCel, evaluateCel } from './engine/policy/cel.js';
    const cases = JSON.parse(process.argv[1]);
    for (const src of cases) {
      const v = evaluateCel(compileCel(src), {});
      console.log(typeof v === 'bigint' ? String(v) : 'error: ' + (v?.message ?? String(v)));
    }`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(CASES.map(([src]) => src))], {
    cwd: ROOT,
    env: { ...process.env, TZ: tz },
    encoding: 'utf8',
  });
  return out.trim().split('\n');
}

/**
 * A policy's time accessors do not depend on the machine's time zone (engine/policy/cel-time.ts):
 * @bufbuild/cel's own built a local Date, so in the process zone's daylight-saving gap
 * `getHours('UTC')` of 02:30Z was 3 under TZ=America/New_York — a 02:00/03:00 change-window boundary
 * judged one way on a CI runner and the other on a laptop.
 */
describe('CEL timestamp accessors', () => {
  const expected = CASES.map(([, value]) => value);
  for (const tz of ['UTC', 'America/New_York', 'Europe/Copenhagen', 'Australia/Lord_Howe']) {
    it(`give cel-spec's values under TZ=${tz}`, () => {
      expect(evaluateUnder(tz)).toEqual(expected);
    });
  }

  it('refuse a zone that is neither an IANA name nor ±HH:MM', () => {
    const [line] = (() => {
      const script = `
        import { compileCel, evaluateCel } from './engine/policy/cel.js';
        const v = evaluateCel(compileCel("timestamp('2026-03-08T02:30:00Z').getHours('Mars/Olympus')"), {});
        console.log(typeof v === 'bigint' ? String(v) : 'error');`;
      return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    })();
    expect(line).toBe('error');
  });
});
