/**
 * Properties computed when first read: an enumerable getter, so
 * `JSON.stringify`, spreads and `Object.entries` see the value as if it were
 * plain data, while code that only needs to know *what* the value would be
 * of (the plan file's writer, an inert copy for a terminal) can ask
 * {@link lazySource} without computing it. Assigning replaces the getter
 * with the value. No dependencies (but plain-object's setOwn): report code
 * reads it without loading what computes the value.
 */

import { setOwn } from './plain-object.js';

/** Objects with a lazy property: which key, and what its value is computed from. */
const lazy = new WeakMap<object, { readonly key: string; readonly source: unknown }>();

/**
 * Makes `target[key]` the result of `compute()`, computed on the first read
 * and kept (the property then holds the value). `source` describes what it is
 * computed from ({@link lazySource}). One lazy property per object.
 */
export function defineLazy<T>(target: object, key: string, compute: () => T, source: unknown): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      const value = compute();
      // computed once: a plain value from now on (its source stays known)
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
    set: (next: unknown) => {
      lazy.delete(target);
      Object.defineProperty(target, key, { value: next, enumerable: true, writable: true, configurable: true });
    },
  });
  lazy.set(target, { key, source });
}

/** The `source` of `target[key]` when it is lazy (read yet or not); undefined otherwise. */
export function lazySource(target: object, key: string): unknown {
  const entry = lazy.get(target);
  return entry?.key === key ? entry.source : undefined;
}

/** The key of `target`'s lazy property, if it has one (computed or not). */
export function lazyKey(target: object): string | undefined {
  return lazy.get(target)?.key;
}

/** Whether `target[key]` is lazy and not computed yet. */
export function lazyPending(target: object, key: string): boolean {
  return lazy.get(target)?.key === key && typeof Object.getOwnPropertyDescriptor(target, key)?.get === 'function';
}

/**
 * `{ ...target, ...changes }` that keeps `target`'s lazy property lazy in the
 * copy (a spread would compute it): same keys in the same order.
 */
export function copyWith<T extends object>(target: T, changes: Partial<T>): T {
  const entry = lazy.get(target);
  if (!entry || !lazyPending(target, entry.key) || Object.hasOwn(changes, entry.key)) return { ...target, ...changes };
  const out: Record<string, unknown> = {};
  const from = target as Record<string, unknown>;
  for (const key of Object.keys(from)) {
    if (key === entry.key) defineLazy(out, key, () => from[key], entry.source);
    else setOwn(out, key, Object.hasOwn(changes, key) ? (changes as Record<string, unknown>)[key] : from[key]);
  }
  for (const [key, value] of Object.entries(changes)) if (!Object.hasOwn(out, key)) setOwn(out, key, value);
  return out as T;
}
