import { createHash } from 'node:crypto';

/**
 * Canonical JSON (the idea of RFC 8785, without its number formatting rules):
 * object keys sorted by code unit, no whitespace, `undefined` members dropped.
 * Two values that are equal as data serialise to the same text, so their hash is
 * a fingerprint that survives key reordering — what the plan's `fingerprints`
 * and `hash` need, and what apply recomputes to detect a stale plan.
 */
export function canonicalJson(value: unknown): string {
  const out = new Sink(undefined);
  writeCanonical(value, out);
  return out.text;
}

/**
 * Where canonical text is written: one string appended to, handed to `flush`
 * (when there is one) whenever it passes {@link CHUNK} characters, so no text
 * much larger than that is held — except one array written by JSON.stringify
 * (flat records, strings), appended whole. Appending to one string (V8 links the pieces
 * and flattens them once, when the chunk is hashed) was ~40% less CPU than
 * pushing pieces onto an array and joining it: at 100k CIs a 50-CI review's
 * impact lists are ~1.3 MB of hashed text, ~60 ms of its hash.
 */
class Sink {
  text = '';
  constructor(readonly flush: ((text: string) => void) | undefined) {}
}

/**
 * Writes `value` as canonical JSON onto `out`. Hand-written rather than a
 * recursive `return a + b` or JSON.stringify with a replacer: the plan hash
 * runs this over every change of a plan, and building a string per object
 * allocated ~320 MB at 100k CIs (cons strings, key sorts) against ~30 MB of
 * text; here each piece is appended once to the one chunk.
 */
function writeCanonical(value: unknown, out: Sink): void {
  switch (typeof value) {
    case 'string':
      out.text += NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
      return;
    case 'number':
      out.text += Number.isFinite(value) ? String(value) : 'null';
      return;
    case 'boolean':
      out.text += value ? 'true' : 'false';
      return;
    case 'object':
      break;
    default:
      out.text += 'null';
      return;
  }
  if (value === null) {
    out.text += 'null';
    return;
  }
  if (out.flush && out.text.length > CHUNK) {
    out.flush(out.text);
    out.text = '';
  }
  if (Array.isArray(value)) {
    // JSON.stringify would call an array's own toJSON; this writer never does (an array is written item by item)
    if (!hasToJSON(value) && allStrings(value)) {
      // JSON.stringify writes each string exactly as the branch above does (escapes, lone surrogates as \udxxx), the
      // whole array in one native call: an impact's paths are most of a review's hashed text at 100k CIs
      out.text += JSON.stringify(value);
      return;
    }
    const keys = hasToJSON(value) ? undefined : flatRecordKeys(value);
    if (keys) {
      // JSON.stringify with a list of keys writes each object's members in the list's order: sorted, the canonical text
      out.text += JSON.stringify(value, keys);
      return;
    }
    out.text += '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out.text += ',';
      const item = value[i];
      if (item === undefined) out.text += 'null';
      else writeCanonical(item, out);
    }
    out.text += ']';
    return;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    writeCanonical((value as { toJSON(): unknown }).toJSON(), out);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  out.text += '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    out.text += memberPrefix(key, first);
    first = false;
    writeCanonical(member, out);
  }
  out.text += '}';
}

/** Whether an array carries a toJSON (own or inherited), which JSON.stringify would call and the item-by-item writer ignores. */
function hasToJSON(value: readonly unknown[]): boolean {
  return (value as { toJSON?: unknown }).toJSON !== undefined;
}

/** Whether every element is a string (a hole is not one: the loop writes it null). */
function allStrings(value: readonly unknown[]): boolean {
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
  return value.length > 0;
}

/**
 * The keys of an array of flat records, sorted by code unit — when every
 * element is a plain object with the same own keys (no `__proto__`, no toJSON)
 * whose values are strings, numbers, booleans, null, undefined or arrays of
 * strings; else undefined. Written by JSON.stringify with that list as its
 * replacer, such an array is exactly its canonical text (each member in the
 * list's order, the values as the branches above write them) in one native
 * call: an impact's `affected` and `businessServices` lists, ~6,000 records at
 * 100k CIs in a 50-CI review, were ~40 ms of its hash in a fresh process,
 * where this writer runs mostly unoptimised.
 */
function flatRecordKeys(value: readonly unknown[]): string[] | undefined {
  if (value.length === 0) return undefined;
  let keys: string[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
    const proto = Object.getPrototypeOf(item) as unknown;
    if (proto !== Object.prototype && proto !== null) return undefined;
    const own = Object.keys(item);
    if (keys === undefined) {
      if (own.length === 0 || own.length > 32 || own.includes('__proto__') || own.includes('toJSON')) return undefined;
      keys = [...own].sort();
    } else if (own.length !== keys.length) return undefined;
    const record = item as Record<string, unknown>;
    for (let k = 0; k < own.length; k++) {
      // the same keys: each of this record's is one of the first's (equal counts, no duplicates)
      if (i > 0 && !keys.includes(own[k])) return undefined;
      const member = record[own[k]];
      const type = typeof member;
      if (type === 'string' || type === 'number' || type === 'boolean' || member === null || member === undefined) continue;
      if (!Array.isArray(member) || hasToJSON(member) || (member.length > 0 && !allStrings(member))) return undefined;
    }
  }
  return keys;
}

/** Characters of text held before they are hashed. */
const CHUNK = 65_536;

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** An object's own keys by code unit; insertion sort in place for the usual few keys (Array#sort copies). */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 32) {
    for (let i = 1; i < keys.length; i++) {
      if (keys[i - 1] > keys[i]) return keys.sort();
    }
    return keys;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    if (keys[j] <= key) continue;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** `"key":` and `,"key":` per key, shared: the same few hundred keys recur in every object of a plan. */
const prefixes = new Map<string, readonly [string, string]>();

function memberPrefix(key: string, first: boolean): string {
  let known = prefixes.get(key);
  if (!known) {
    const quoted = NEEDS_ESCAPE.test(key) ? JSON.stringify(key) : `"${key}"`;
    known = [`${quoted}:`, `,${quoted}:`];
    if (prefixes.size >= 10_000) prefixes.clear(); // bounded: object keys of user data are open-ended
    prefixes.set(key, known);
  }
  return first ? known[0] : known[1];
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * sha256(canonicalJson(value)) without building the whole text: the canonical
 * pieces are hashed a chunk at a time. Same digest (a piece never splits a
 * surrogate pair), but a 100k-change plan never becomes one 30 MB string.
 */
export function canonicalSha256(value: unknown): string {
  const hash = createHash('sha256');
  const out = new Sink((text) => hash.update(text, 'utf8'));
  writeCanonical(value, out);
  hash.update(out.text, 'utf8');
  return hash.digest('hex');
}

/** The fingerprint of an observed object as the plan records it: `absent` when there was none. */
export function fingerprintOf(observed: unknown): string {
  return observed === undefined ? 'absent' : sha256(canonicalJson(observed));
}
