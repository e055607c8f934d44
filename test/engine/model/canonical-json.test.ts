import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalSha256 } from '../../../engine/model/canonical-json.js';
import { referenceCanonicalJson } from '../../helpers/canonical-reference.js';

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function expectCanonical(value: unknown): void {
  const text = referenceCanonicalJson(value);
  expect(canonicalJson(value)).toBe(text);
  expect(canonicalSha256(value)).toBe(sha(text));
}

// keys that sort differently by code unit and by insertion, integer-like keys (which objects list first),
// escapes, surrogates, and the keys the fast paths must refuse
const key = fc.constantFrom('a', 'b', 'B', 'ä', '10', '2', '1', '', '"q"', '\\', '\u0000', '\ud800', '😀', '__proto__', 'toJSON', 'constructor', 'length');
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('', '\ud800', '\udfff', 'a\ud83d', '\ud83d\ude00', '\u2028', '"\\/', '\u001f'));
const scalar = fc.oneof(
  text,
  fc.constantFrom(-0, 0, 1e21, 1e-7, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 5e-324),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(() => 1),
);
const member = fc.oneof(scalar, fc.array(text, { maxLength: 4 }), fc.constant([]), fc.constant(new Date(0)), fc.dictionary(key, scalar, { maxKeys: 2 }));

/** Records with one shared key set in shuffled orders (the fast path), sometimes one record off by a key or a value. */
const flatRecords = fc
  .tuple(fc.uniqueArray(key, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 6 }), fc.boolean())
  .chain(([keys, count, nullProto]) =>
    fc.array(
      fc
        .tuple(
          fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length }),
          fc.array(fc.oneof(scalar, scalar, member), { minLength: keys.length, maxLength: keys.length }),
          fc.boolean(),
        )
        .map(([order, values, drop]) => {
          const record: Record<string, unknown> = nullProto ? Object.create(null) : {};
          order.forEach((k, i) => {
            if (k === '__proto__') Object.defineProperty(record, k, { value: values[i], enumerable: true, writable: true, configurable: true });
            else record[k] = values[i];
          });
          if (drop && order.length > 1) delete record[order[0]];
          return record;
        }),
      { minLength: count, maxLength: count },
    ),
  );

const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    scalar,
    flatRecords,
    fc.array(text),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    fc.sparseArray(fc.oneof(text, flatRecords), { maxLength: 5 }),
  ),
})).node;

describe('canonicalJson', () => {
  it('writes every value as the plain recursive writer does (the plan hash and fingerprints depend on it)', () => {
    fc.assert(
      fc.property(value, (v) => expectCanonical(v)),
      { numRuns: 3000 },
    );
  });

  it('writes flat records and string arrays whose text crosses the 64K chunk as one text', () => {
    for (const length of [1, 4095, 4096, 4097, 16_383, 16_384, 16_385, 65_535, 65_536, 65_537]) {
      expectCanonical(Array.from({ length }, (_, i) => `s${i}\ud83d\ude00`));
      expectCanonical({ z: Array.from({ length: Math.ceil(length / 8) }, (_, i) => ({ b: i, a: `${i}\ud800` })), a: 'x'.repeat(length) });
    }
    expectCanonical([...Array.from({ length: 70_000 }, (_, i) => ({ k: `v${i}` })), { k: 'v', extra: 1 }]);
  });

  it('ignores a toJSON on an array, as on every array it writes item by item', () => {
    const strings = Object.assign(['a', 'b'], { toJSON: () => 'replaced' });
    const records = [{ a: Object.assign(['x'], { toJSON: () => 'replaced' }) }, { a: ['y'] }];
    const both = Object.assign([{ a: 1 }], { toJSON: () => 'replaced' });
    expect(canonicalJson(strings)).toBe('["a","b"]');
    expect(canonicalJson(records)).toBe('[{"a":["x"]},{"a":["y"]}]');
    expect(canonicalJson(both)).toBe('[{"a":1}]');
    for (const v of [strings, records, both]) expectCanonical(v);
  });
});
