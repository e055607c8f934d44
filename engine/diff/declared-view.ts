import { isDeepStrictEqual } from 'node:util';
import { SENSITIVE, SENSITIVE_CHANGED } from '../redact/markers.js';
import type { Pattern } from '../redact/pointer.js';
import { isPlainObject, setOwn } from '../model/plain-object.js';
import { isNameKeyed, selectKeys } from './shape.js';

/**
 * The observed document cut down to what `desired` declares and aligned with
 * it (name-keyed entries in the desired order, observed-only entries after),
 * so that a line diff of the two shows drift and nothing else.
 */
export function declaredView(desired: unknown, observed: unknown): unknown {
  if (isPlainObject(desired) && isPlainObject(observed)) {
    const out: Record<string, unknown> = {};
    for (const k in desired) if (Object.prototype.hasOwnProperty.call(observed, k)) setOwn(out, k, declaredView(desired[k], observed[k]));
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(observed)) {
    if (isNameKeyed(desired)) {
      const byName = new Map<unknown, unknown>();
      for (const e of observed) if (isPlainObject(e) && !byName.has(e.name)) byName.set(e.name, e);
      const out: unknown[] = [];
      for (const de of desired as Record<string, unknown>[]) {
        if (byName.has(de.name)) out.push(declaredView(de, byName.get(de.name)));
        byName.delete(de.name);
      }
      for (const e of observed) if (!isPlainObject(e) || byName.get(e.name) === e) out.push(e);
      return out;
    }
    if (desired.length === observed.length) return observed.map((e, i) => declaredView(desired[i], e));
  }
  return observed;
}

/** A copy without the values the patterns cover (ignored differences are left out of the text diff). */
export function omitPatterns(value: unknown, patterns: readonly Pattern[]): unknown {
  if (patterns.length === 0 || value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const drop = new Set<string>();
  const below = new Map<string, Pattern[]>();
  for (const p of patterns) {
    if (p.length === 0) continue;
    for (const k of selectKeys(value, p[0])) {
      if (p.length === 1) drop.add(k);
      else below.set(k, [...(below.get(k) ?? []), p.slice(1)]);
    }
  }
  for (const [k, rest] of below) if (!drop.has(k)) (copy as Record<string, unknown>)[k] = omitPatterns((copy as Record<string, unknown>)[k], rest);
  if (Array.isArray(copy)) copy = copy.filter((_, i) => !drop.has(String(i)));
  else for (const k of drop) delete copy[k];
  return copy;
}

/**
 * Redacts aligned desired/observed views together: a secret value reads
 * `(sensitive)` on the observed side, and on the desired side `(sensitive)`
 * when unchanged or `(sensitive, changed)` when it differs — so the line diff
 * says a secret changed without ever holding it.
 */
export function redactPair(desired: unknown, observed: unknown, patterns: readonly Pattern[]): [unknown, unknown] {
  if (patterns.length === 0) return [desired, observed];
  for (const p of patterns) {
    const whole = p.length === 0 || (p.every((s) => s === '*') && (isScalar(desired) || isScalar(observed)));
    if (whole) {
      return [
        desired === undefined ? undefined : isDeepStrictEqual(desired, observed) ? SENSITIVE : SENSITIVE_CHANGED,
        observed === undefined ? undefined : SENSITIVE,
      ];
    }
  }
  const d = copyOf(desired);
  const o = copyOf(observed);
  const keys = new Set<string>();
  for (const p of patterns) {
    for (const k of selectKeys(desired, p[0])) keys.add(k);
    for (const k of selectKeys(observed, p[0])) keys.add(k);
  }
  for (const k of keys) {
    const dk = pick(desired, k);
    const ok = pick(observed, k);
    const rest = patterns.filter((p) => p[0] === '*' || p[0] === k || nameOf(dk) === p[0] || nameOf(ok) === p[0]).map((p) => p.slice(1));
    const [dr, or] = redactPair(dk, ok, rest);
    if (d && dk !== undefined) (d as Record<string, unknown>)[k] = dr;
    if (o && ok !== undefined) (o as Record<string, unknown>)[k] = or;
  }
  return [d ?? desired, o ?? observed];
}

function isScalar(v: unknown): boolean {
  return v !== undefined && (v === null || typeof v !== 'object');
}
function copyOf(v: unknown): Record<string, unknown> | unknown[] | undefined {
  if (Array.isArray(v)) return [...v];
  return isPlainObject(v) ? { ...v } : undefined;
}
function pick(v: unknown, k: string): unknown {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
}
function nameOf(v: unknown): unknown {
  return isPlainObject(v) ? v.name : undefined;
}
