import { createHash, type Hash } from 'node:crypto';

/**
 * Canonical JSON (the idea of RFC 8785, without its number formatting rules):
 * object keys sorted by code unit, no whitespace, `undefined` members dropped.
 * Two values that are equal as data serialise to the same text, so their hash is
 * a fingerprint that survives key reordering — what the plan's `fingerprints`
 * and `hash` need, and what apply recomputes to detect a stale plan.
 */
export function canonicalJson(value: unknown): string {
  // Local string appends, no part arrays: this runs over every observed object of a plan.
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (value[i] === undefined ? 'null' : canonicalJson(value[i]));
    return out + ']';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    out += (first ? '' : ',') + (NEEDS_ESCAPE.test(key) ? JSON.stringify(key) : '"' + key + '"') + ':' + canonicalJson(member);
    first = false;
  }
  return out + '}';
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * sha256(canonicalJson(value)) without building the whole text: the outer
 * `levels` of objects and arrays are fed to the hash piece by piece. Same
 * digest, but a 100k-change plan never becomes one 30 MB string.
 */
export function canonicalSha256(value: unknown, levels = 2): string {
  const hash = createHash('sha256');
  feed(hash, value, levels);
  return hash.digest('hex');
}

function feed(hash: Hash, value: unknown, levels: number): void {
  if (levels <= 0 || value === null || typeof value !== 'object') {
    hash.update(canonicalJson(value), 'utf8');
    return;
  }
  if (Array.isArray(value)) {
    hash.update('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) hash.update(',');
      feed(hash, value[i], levels - 1);
    }
    hash.update(']');
    return;
  }
  hash.update('{');
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    hash.update(`${first ? '' : ','}${JSON.stringify(key)}:`, 'utf8');
    first = false;
    feed(hash, member, levels - 1);
  }
  hash.update('}');
}

/** The fingerprint of an observed object as the plan records it: `absent` when there was none. */
export function fingerprintOf(observed: unknown): string {
  return observed === undefined ? 'absent' : sha256(canonicalJson(observed));
}
