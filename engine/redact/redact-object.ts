import { SENSITIVE } from './markers.js';
import { parsePointer } from '../model/json-pointer.js';
import type { Pattern } from './pointer.js';

/**
 * A copy of `object` with every value a secret pointer covers replaced by
 * `(sensitive)`. Keys stay visible (which Secret keys exist is not secret, as
 * in `kubectl describe`). Only the branches a pattern walks are copied; the
 * input is never modified, and without patterns it is returned as is.
 *
 * @param secretPointers JSON Pointers, `*` matching any key or index, e.g. `/data/*`.
 */
export function redactObject<T>(object: T, secretPointers: readonly (string | Pattern)[]): T {
  if (secretPointers.length === 0) return object;
  const patterns = secretPointers.map((p) => (typeof p === 'string' ? parsePointer(p) : p));
  return redactPatterns(object, patterns) as T;
}

/** Like redactObject, with parsed patterns. */
export function redactPatterns(value: unknown, patterns: readonly Pattern[]): unknown {
  if (patterns.length === 0) return value;
  for (const p of patterns) if (p.length === 0 || (isScalar(value) && p.every((s) => s === '*'))) return value === undefined ? value : SENSITIVE;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const keys = patterns.some((p) => p[0] === '*') ? Object.keys(copy) : [...new Set(patterns.map((p) => p[0]))];
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(copy, key)) continue;
    const rest = patterns.filter((p) => p[0] === '*' || p[0] === key).map((p) => p.slice(1));
    (copy as Record<string, unknown>)[key] = redactPatterns((copy as Record<string, unknown>)[key], rest);
  }
  return copy;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}
