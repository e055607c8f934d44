import { celEnv, isCelError, isCelList, isCelMap, isCelType, isCelUint, parse, plan, type CelInput, type CelValue } from '@bufbuild/cel';
import { setOwn } from '../model/plain-object.js';

/**
 * Plain JSON-like data (what YAML gives) → CEL input.
 *
 * Numbers: an integral number becomes a CEL `int` (a bigint), anything else a
 * `double`. YAML has no int/float distinction a policy author thinks about, and
 * this is what makes `object.spec.replicas > 2`, `object.spec.replicas + 1` and
 * `size(list) <= object.spec.max` all work — CEL has no `double + int` overload.
 * The price: `cpu: 1` is an int, so `object.spec.cpu * 1.5` needs `double(…)`.
 *
 * Objects stay plain objects (the library wraps them lazily on access) and the
 * conversion is copy-on-write: a subtree without numbers is returned as is, so a
 * typical CI costs a walk, not a copy. Dates become timestamps; `undefined`
 * members are dropped (CEL has no undefined).
 */
export function toCelInput(value: unknown): CelInput {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? BigInt(value) : value;
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'object':
      break;
    default:
      return null;
  }
  if (value === null) return null;
  if (Array.isArray(value)) return convertArray(value) as CelInput;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) return convertObject(value as Record<string, unknown>) as CelInput;
  if (value instanceof Date) return celTimestamp(value);
  if (isCelMap(value) || isCelList(value) || isCelUint(value) || isCelType(value)) return value as CelInput;
  if (value instanceof Map) return value as CelInput;
  if (isMessageLike(value)) return value as CelInput;
  return convertObject(value as Record<string, unknown>) as CelInput;
}

function convertArray(array: readonly unknown[]): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const before = array[i];
    const after = toCelInput(before);
    if (after !== before) {
      out ??= array.slice();
      out[i] = after;
    }
  }
  return out ?? array;
}

/**
 * The library takes a plain object for a CEL map only if `constructor.name` is
 * "Object", and for a protobuf message if it has `$typeName`: a mapping whose
 * own keys include either (a label, annotation or data key a user chose:
 * `constructor: x`) is handed over as a Map, which it reads as the same map.
 */
function convertObject(object: Record<string, unknown>): Record<string, unknown> | Map<string, unknown> {
  // the library reads `constructor.name` to recognise a plain object: give null-prototype ones a prototype
  let out: Record<string, unknown> | undefined = Object.getPrototypeOf(object) === null ? { ...object } : undefined;
  for (const key in object) {
    const before = object[key];
    if (before === undefined) {
      out ??= { ...object };
      delete out[key];
      continue;
    }
    const after = toCelInput(before);
    if (after !== before) {
      out ??= { ...object };
      out[key] = after;
    }
  }
  const result = out ?? object;
  return Object.hasOwn(result, 'constructor') || Object.hasOwn(result, '$typeName') ? new Map(Object.entries(result)) : result;
}

/** Protobuf messages (timestamps, durations) carry `$typeName` or are reflect wrappers; leave them alone. */
function isMessageLike(value: object): boolean {
  return '$typeName' in value || (value.constructor !== Object && value.constructor !== undefined);
}

const timestampProgram = plan(celEnv(), parse('timestamp(t)'));

/**
 * A JS Date as a CEL `google.protobuf.Timestamp`, built by CEL's own
 * `timestamp()` so that plumb needs no direct dependency on @bufbuild/protobuf.
 */
export function celTimestamp(date: Date): CelInput {
  const result = timestampProgram({ t: date.toISOString() });
  if (isCelError(result)) throw result;
  return result as CelInput;
}

/**
 * CEL value → plain JS for messages and output: ints become numbers (bigints
 * only beyond 2^53), maps objects, lists arrays, timestamps ISO strings,
 * durations e.g. `3600s`, types their name.
 */
export function fromCelValue(value: CelValue): unknown {
  switch (typeof value) {
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
    case 'string':
    case 'number':
    case 'boolean':
      return value;
  }
  if (value === null) return null;
  if (isCelUint(value)) return fromCelValue(value.value);
  if (isCelType(value)) return value.name;
  if (isCelList(value)) return Array.from(value, fromCelValue);
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value.entries()) setOwn(out, String(fromCelValue(k as CelValue)), fromCelValue(v));
    return out;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return messageToJs(value as unknown as { desc?: { typeName?: string }; message?: Record<string, unknown> });
}

function messageToJs(value: { desc?: { typeName?: string }; message?: Record<string, unknown> }): unknown {
  const typeName = value.desc?.typeName;
  const message = value.message ?? {};
  const seconds = typeof message.seconds === 'bigint' ? message.seconds : 0n;
  const nanos = typeof message.nanos === 'number' ? message.nanos : 0;
  if (typeName === 'google.protobuf.Timestamp') {
    return new Date(Number(seconds) * 1000 + Math.floor(nanos / 1e6)).toISOString();
  }
  if (typeName === 'google.protobuf.Duration') {
    return `${Number(seconds) + nanos / 1e9}s`;
  }
  return typeName ?? String(value);
}

/** A short rendering of a CEL value for messages (`'x'`, `3`, `[1, 2]`). */
export function showCelValue(value: CelValue): string {
  const js = fromCelValue(value);
  return typeof js === 'string' ? js : JSON.stringify(js, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
