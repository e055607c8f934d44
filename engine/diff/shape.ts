import { isPlainObject } from '../model/plain-object.js';
/**
 * The shapes the diff distinguishes. A "name-keyed list" is a list of mappings
 * that each carry a unique string `name` (containers, ports, env, volumes…):
 * it is compared as a map from name to entry, so reordering is not drift.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isNameKeyed(list: readonly unknown[]): boolean {
  if (list.length === 0) return false;
  const seen = new Set<string>();
  for (const e of list) {
    if (!isPlainObject(e) || typeof e.name !== 'string' || seen.has(e.name)) return false;
    seen.add(e.name);
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
