/**
 * The shapes the diff distinguishes. A "name-keyed list" is a list of mappings
 * that each carry a unique string `name` (containers, ports, env, volumes…):
 * it is compared as a map from name to entry, so reordering is not drift.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isNameKeyed(list: readonly unknown[]): boolean {
  if (list.length === 0) return false;
  const seen = new Set<string>();
  for (const e of list) {
    if (!isPlainObject(e) || typeof e.name !== 'string' || seen.has(e.name)) return false;
    seen.add(e.name);
  }
  return true;
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Keys of a container that a pointer-pattern segment selects; in name-keyed lists an entry is selected by its name too. */
export function selectKeys(container: unknown, segment: string): string[] {
  if (Array.isArray(container)) {
    if (segment === '*') return container.map((_, i) => String(i));
    const byName = container.findIndex((e) => isPlainObject(e) && e.name === segment);
    if (byName >= 0) return [String(byName)];
    return /^\d+$/.test(segment) && Number(segment) < container.length ? [segment] : [];
  }
  if (isPlainObject(container)) {
    if (segment === '*') return Object.keys(container);
    return Object.prototype.hasOwnProperty.call(container, segment) ? [segment] : [];
  }
  return [];
}
