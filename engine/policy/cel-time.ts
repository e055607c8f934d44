import { CelScalar, celMethod, objectType } from '@bufbuild/cel';
import { type Timestamp, TimestampSchema, timestampDate } from '@bufbuild/protobuf/wkt';

/**
 * CEL's timestamp accessors (`getFullYear`, `getMonth`, `getDate`, `getDayOfMonth`, `getDayOfWeek`,
 * `getDayOfYear`, `getHours`, `getMinutes`, `getSeconds`, `getMilliseconds`, each with an optional time
 * zone: `'UTC'`, an IANA name or a fixed offset `±HH:MM`), computed without the process's time zone.
 *
 * They replace @bufbuild/cel's own (same overload ids; the environment's later functions win): that one
 * builds a *local* `Date` from the zone's wall-clock parts and reads its local getters, so in the
 * process zone's daylight-saving gap the hour moved — under `TZ=America/New_York`,
 * `timestamp('2026-03-08T02:30:00Z').getHours('UTC')` was 3, not 2 — and a change window with a 02:00 or
 * 03:00 boundary allowed or denied a plan differently on a CI runner and on an operator's laptop.
 * Here the parts come from `Date`'s UTC getters (no zone, or a fixed offset applied to the instant) or
 * from `Intl.DateTimeFormat#formatToParts` in the named zone, and the day of week and of year from
 * the proleptic Gregorian day number of those parts. Values follow cel-spec: month, day of month, day of year and day of week
 * (Sunday) count from 0, `getDate` from 1.
 *
 * @throws Error (a CEL evaluation error, as the library's) for a zone that is neither an IANA name nor
 *   `±HH:MM`.
 */
interface Parts {
  readonly year: number;
  /** 0–11 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const FIXED_OFFSET = /^([+-]?)(\d\d):(\d\d)$/;
const formats = new Map<string, Intl.DateTimeFormat>();

function utcParts(d: Date): Parts {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth(),
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** The wall-clock parts of `ts` in `tz` (none: UTC). */
function partsIn(ts: Timestamp, tz: string | undefined): Parts {
  const instant = timestampDate(ts);
  if (tz === undefined) return utcParts(instant);
  const fixed = FIXED_OFFSET.exec(tz);
  if (fixed) {
    const offsetMs = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 3_600_000 + Number(fixed[3]) * 60_000);
    return utcParts(new Date(instant.getTime() + offsetMs));
  }
  let format = formats.get(tz);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    if (formats.size < 64) formats.set(tz, format);
  }
  const p: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) p[part.type] = part.value;
  const year = Number(p.year);
  return {
    // formatToParts writes a year before 1 CE as "1 BC": CEL's range starts at year 1, so it is rare
    year: p.era === 'BC' ? 1 - year : year,
    month: Number(p.month) - 1,
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
    millisecond: instant.getUTCMilliseconds(),
  };
}

const TIMESTAMP = objectType(TimestampSchema);

function accessor(name: string, read: (p: Parts) => number) {
  function method(this: { message: Timestamp }, tz?: string): bigint {
    return BigInt(read(partsIn(this.message, tz)));
  }
  return [celMethod(name, TIMESTAMP, [], CelScalar.INT, method), celMethod(name, TIMESTAMP, [CelScalar.STRING], CelScalar.INT, method)];
}

const DAY_MS = 86_400_000;
/** Days since 1970-01-01 (proleptic Gregorian). Not `Date.UTC`: it reads a year 0–99 as 1900–1999, and 0001-01-01 (a Monday) came out a Tuesday. */
function civilDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime() / DAY_MS;
}
const dayNumber = (p: Parts) => civilDay(p.year, p.month, p.day);

/** The timestamp accessors, to be given to `celEnv({ funcs })` after the library's standard ones. */
export const CEL_TIME_FUNCS = [
  ...accessor('getFullYear', (p) => p.year),
  ...accessor('getMonth', (p) => p.month),
  ...accessor('getDate', (p) => p.day),
  ...accessor('getDayOfMonth', (p) => p.day - 1),
  ...accessor('getDayOfWeek', (p) => (((dayNumber(p) + 4) % 7) + 7) % 7),
  ...accessor('getDayOfYear', (p) => dayNumber(p) - civilDay(p.year, 0, 1)),
  ...accessor('getHours', (p) => p.hour),
  ...accessor('getMinutes', (p) => p.minute),
  ...accessor('getSeconds', (p) => p.second),
  ...accessor('getMilliseconds', (p) => p.millisecond),
];
