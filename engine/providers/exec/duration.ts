import { PlumbError } from '../../model/errors.js';

/** Parses `500ms`, `30s`, `2m`, `1h` (or a number of milliseconds) as plumb.yaml writes timeouts. */
export function parseDuration(value: unknown, setting: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim()) : null;
  if (!m) {
    throw new PlumbError('config.bad-duration', `${setting} must be a duration like 30s, 500ms or 2m, not ${JSON.stringify(value)}`, {
      hint: 'write the unit: ms, s, m or h',
    });
  }
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}
