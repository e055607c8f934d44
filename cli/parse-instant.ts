import { PlumbError } from '../engine/index.js';

/** An RFC 3339 date-time, its offset included (`Z` or `±HH:MM`). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The instant an RFC 3339 date-time names, or undefined. Not `new Date(text)` alone: it reads a
 * date-time without an offset (`2026-03-08T02:30:00`, `March 8 2026 02:30`) in the machine's time
 * zone, so the same `--now` gave a policy 02:30 UTC under TZ=UTC and 07:30 UTC under New York.
 */
export function parseInstant(text: string): Date | undefined {
  if (!RFC3339.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function parseNow(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = parseInstant(text);
  if (date === undefined) {
    throw new PlumbError('cli.bad-now', `--now is not an RFC 3339 timestamp with an offset: ${text}`, { hint: 'e.g. --now 2026-01-01T12:00:00Z' });
  }
  return date;
}
