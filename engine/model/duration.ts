import ms from 'ms';
import type { Code } from './codes.js';
import { PlumbError } from './errors.js';

/**
 * The one rule for durations, in plumb.yaml and on the command line alike.
 *
 * - A number with a unit: `500ms`, `30s`, `2m`, `1h`, `1d` (the units and long
 *   forms the `ms` package understands: `90 seconds`, `1.5h`…).
 * - A bare number — YAML `timeout: 30` or `--health-timeout 30` — is a number
 *   of **seconds**, as kubectl reads `--request-timeout=30`. (Before this rule
 *   plumb.yaml read a bare 30 as 30 ms and the CLI as 30 s.)
 *
 * Returns milliseconds (rounded to a whole number), or `undefined` for anything
 * that is not a finite, non-negative duration. Range checks (at least, at most)
 * belong to the setting that reads it.
 */
export function toMilliseconds(value: unknown): number | undefined {
  let result: number | undefined;
  if (typeof value === 'number') result = value * 1000;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+(?:\.\d+)?$/.test(text)) result = Number(text) * 1000;
    // `ms` also reads negative and unit-less values; only "digits, optional space, a unit" is a duration here
    else if (/^\d+(?:\.\d+)?\s?[a-z]+$/i.test(text)) result = ms(text as ms.StringValue) as number | undefined;
  }
  return result !== undefined && Number.isFinite(result) && result >= 0 ? Math.round(result) : undefined;
}

/**
 * The longest delay Node's timers take: 2^31 − 1 ms (about 24.8 days). A
 * longer one is silently cut to 1 ms by setTimeout — a timeout of "1000d"
 * would fire at once — so every duration plumb reads is refused above it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How a setting that reads a duration reports a bad one. */
export interface DurationSetting {
  /** The diagnostic / error code (`config.bad-duration`, `cli.bad-option`). */
  readonly code?: Code;
  /** The smallest accepted value in milliseconds; 1 (no zero) unless given. */
  readonly minMs?: number;
  /** The largest accepted value in milliseconds; MAX_TIMER_MS unless given (never more). */
  readonly maxMs?: number;
  /** The hint shown with the error; by default one naming the units. */
  readonly hint?: string;
}

/**
 * {@link toMilliseconds} within [minMs, maxMs] (by default 1 ms … MAX_TIMER_MS:
 * `0s` and anything past Node's timer range are refused), throwing a {@link PlumbError} (`config.bad-duration`
 * unless `code` says otherwise) that names the setting and quotes the value.
 */
export function parseDuration(value: unknown, setting: string, opts: DurationSetting = {}): number {
  const msValue = toMilliseconds(value);
  const minMs = opts.minMs ?? 1;
  const maxMs = Math.min(opts.maxMs ?? MAX_TIMER_MS, MAX_TIMER_MS);
  if (msValue !== undefined && msValue > maxMs) {
    throw new PlumbError(
      opts.code ?? 'config.bad-duration',
      `${setting} must be at most ${maxMs === MAX_TIMER_MS ? '24 days (the longest timer Node.js keeps)' : `${maxMs} ms`}, not ${JSON.stringify(value)}`,
      {
        hint: opts.hint ?? 'write a shorter duration, e.g. 30s, 15m or 1h',
      },
    );
  }
  if (msValue === undefined || msValue < minMs) {
    throw new PlumbError(opts.code ?? 'config.bad-duration', `${setting} must be a duration like 30s, 500ms or 2m, not ${JSON.stringify(value)}`, {
      hint: opts.hint ?? 'write the unit: ms, s, m or h (a bare number is seconds)',
    });
  }
  return msValue;
}
