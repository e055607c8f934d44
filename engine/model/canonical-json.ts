import { createHash } from 'node:crypto';

/**
 * Canonical JSON (the idea of RFC 8785, without its number formatting rules):
 * object keys sorted by code unit, no whitespace, `undefined` members dropped.
 * Two values that are equal as data serialise to the same text, so their hash is
 * a fingerprint that survives key reordering — what the plan's `fingerprints`
 * and `hash` need, and what apply recomputes to detect a stale plan.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonical(value, parts, undefined);
  return parts.join('');
}

/**
 * Writes `value` as canonical JSON onto `parts`, piece by piece; with `flush`,
 * hands the pieces over whenever they pass {@link CHUNK} characters.
 * Hand-written rather than a recursive `out += …` or JSON.stringify with a
 * replacer: the plan hash runs this over every change of a plan (100k noops),
 * and building a string per object allocated ~320 MB at 100k CIs (cons strings,
 * key sorts) against ~30 MB of text; pieces that are constants or the value's
 * own strings allocate nothing.
 */
function writeCanonical(value: unknown, parts: string[], flush: ((parts: string[]) => void) | undefined): void {
  switch (typeof value) {
    case 'string':
      if (NEEDS_ESCAPE.test(value)) parts.push(JSON.stringify(value));
      else parts.push('"', value, '"');
      return;
    case 'number':
      parts.push(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      parts.push('null');
      return;
  }
  if (value === null) {
    parts.push('null');
    return;
  }
  if (flush && parts.length > CHUNK) flush(parts);
  if (Array.isArray(value)) {
    parts.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i) parts.push(',');
      const item = value[i];
      if (item === undefined) parts.push('null');
      else writeCanonical(item, parts, flush);
    }
    parts.push(']');
    return;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    writeCanonical((value as { toJSON(): unknown }).toJSON(), parts, flush);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  parts.push('{');
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    parts.push(memberPrefix(key, first));
    first = false;
    writeCanonical(member, parts, flush);
  }
  parts.push('}');
}

/** Pieces held before they are joined and hashed (a few hundred kB of text). */
const CHUNK = 16_384;

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
  const flush = (parts: string[]): void => {
    hash.update(parts.join(''), 'utf8');
    parts.length = 0;
  };
  const parts: string[] = [];
  writeCanonical(value, parts, flush);
  flush(parts);
  return hash.digest('hex');
}

/** The fingerprint of an observed object as the plan records it: `absent` when there was none. */
export function fingerprintOf(observed: unknown): string {
  return observed === undefined ? 'absent' : sha256(canonicalJson(observed));
}
