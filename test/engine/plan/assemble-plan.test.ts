import { describe, expect, it } from 'vitest';
import { planHash } from '../../../engine/plan/assemble-plan.js';
import { canonicalJson, fingerprintOf, sha256 } from '../../../engine/model/canonical-json.js';
import { samplePlan } from './sample-plan.js';
import { referenceCanonicalJson } from '../../helpers/canonical-reference.js';

describe('canonicalJson', () => {
  it('serialises equal data the same whatever the key order, dropping undefined', () => {
    expect(canonicalJson({ b: [1, { d: 'x', c: null }], a: undefined, e: true })).toBe('{"b":[1,{"c":null,"d":"x"}],"e":true}');
    expect(canonicalJson({ y: 1, x: 2 })).toBe(canonicalJson({ x: 2, y: 1 }));
  });

  it('fingerprints an absent object as absent', () => {
    expect(fingerprintOf(undefined)).toBe('absent');
    expect(fingerprintOf({ a: 1 })).toBe(sha256('{"a":1}'));
  });
});

describe('assemblePlan', () => {
  it('orders changes by wave then action, counts noops, and backs up everything it touches', () => {
    const plan = samplePlan();
    expect(plan.changes.map((c) => [c.wave, c.action, c.id])).toEqual([
      [1, 'update', 'database:shop/orders-db'],
      [2, 'create', 'application:shop/api'],
      [3, 'delete', 'host:shop/h2'],
      [0, 'noop', 'host:shop/h1'],
    ]);
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 1, noop: 1, unmanaged: 1 });
    expect(plan.backups).toEqual(['database:shop/orders-db', 'application:shop/api', 'host:shop/h2']);
    expect(plan.policy.denied).toBe(true);
    expect(samplePlan({ denied: false }).policy.denied).toBe(false);
  });

  it('hashes the plan without its hash, so any edit is detected', () => {
    const plan = samplePlan();
    expect(planHash(plan)).toBe(plan.hash);
    expect(planHash(JSON.parse(JSON.stringify(plan)))).toBe(plan.hash);
    expect(planHash({ ...plan, revision: 'f'.repeat(40) })).not.toBe(plan.hash);
  });
});

describe('canonicalSha256', () => {
  it('is the sha256 of the canonical JSON, streamed', async () => {
    const { canonicalSha256 } = await import('../../../engine/model/canonical-json.js');
    const value = { z: [1, { b: 2, a: [3, null] }], a: 'x', u: undefined, n: null, e: [], o: {} };
    expect(canonicalSha256(value)).toBe(sha256(canonicalJson(value)));
    // more pieces than one chunk, astral characters across the whole text
    const big = Array.from({ length: 20_000 }, (_, i) => ({ [`k${i % 7}`]: `v😀${i}`, a: [i, '\ud83d\ude00'] }));
    expect(canonicalSha256(big)).toBe(sha256(canonicalJson(big)));
  });
});

describe('canonicalJson, written piece by piece', () => {
  it('is the text of the recursive definition for any value, and canonicalSha256 its digest', async () => {
    const { canonicalSha256 } = await import('../../../engine/model/canonical-json.js');
    const fc = (await import('fast-check')).default;
    const key = fc.oneof(fc.string(), fc.constantFrom('10', '9', '0', 'a', 'B', '__proto__x', '"q', 'é', '😀'));
    const values = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.date({ noInvalidDate: true }),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(key, tie('value'), { maxKeys: 40 }),
      ),
    })).value;
    fc.assert(
      fc.property(values, (v) => {
        expect(canonicalJson(v)).toBe(referenceCanonicalJson(v));
        expect(canonicalSha256(v)).toBe(sha256(referenceCanonicalJson(v)));
      }),
      { numRuns: 500 },
    );
  });

  it('writes an array of strings or of flat records (one native call each) and an impact-shaped list across chunks as the definition does', async () => {
    const { canonicalSha256 } = await import('../../../engine/model/canonical-json.js');
    const fc = (await import('fast-check')).default;
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\ud800', '\udfff', 'a"b', 'c\\d', '\u0000', '😀', ''));
    // all strings, or strings mixed with undefined, null and numbers: only the first goes the one-call way
    const lists = fc.oneof(
      fc.array(text, { maxLength: 8 }),
      fc.array(fc.oneof(text, fc.constant(undefined), fc.constant(null), fc.integer()), { maxLength: 8 }),
    );
    // an impact's affected list: objects of strings, numbers and string paths, long enough to pass several chunks
    const affected = fc.array(
      fc.record(
        {
          id: text,
          state: fc.constantFrom('at-risk', 'down', 'degraded'),
          depth: fc.nat(),
          path: fc.array(text, { maxLength: 6 }),
          wouldBe: fc.constantFrom('down', undefined),
        },
        { requiredKeys: ['id', 'state', 'depth', 'path'] },
      ),
      { maxLength: 3000 },
    );
    // arrays of records: the same keys in any order (one native call), or not (keys differ, a value that is not flat,
    // __proto__ or toJSON as a key, a null prototype, a Date): each written as the definition writes it
    const flat = fc.oneof(text, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(text, { maxLength: 3 }));
    const member = fc.oneof(
      flat,
      fc.date({ noInvalidDate: true }),
      fc.array(fc.oneof(fc.integer(), text), { maxLength: 2 }),
      fc.dictionary(text, flat, { maxKeys: 2 }),
    );
    const records = fc.oneof(
      fc.array(fc.record({ b: flat, a: flat, '10': flat, é: flat, B: flat }), { maxLength: 6 }),
      fc.array(fc.record({ b: member, a: flat }, { requiredKeys: [] }), { maxLength: 6 }),
      fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'B', '10', '9', '__proto__', 'toJSON', 'é', 'constructor'), flat, { maxKeys: 4 }), { maxLength: 6 }),
    );
    fc.assert(
      fc.property(records, (rs) => {
        expect(canonicalJson(rs)).toBe(referenceCanonicalJson(rs));
        expect(canonicalJson({ x: [rs] })).toBe(referenceCanonicalJson({ x: [rs] }));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.array(lists, { maxLength: 4 }), affected, (ls, as) => {
        for (const l of ls) expect(canonicalJson(l)).toBe(referenceCanonicalJson(l));
        const value = { sources: ls, affected: as, event: 'change' };
        expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
        expect(canonicalSha256(value)).toBe(sha256(referenceCanonicalJson(value)));
      }),
      { numRuns: 60 },
    );
  });
});

describe('canonicalJson and JSON.stringify', () => {
  it('agree on every value JSON can hold, once keys are sorted', () => {
    const value = { 'b"q': 'line\nbreak \u0001 \ud800', a: [1.5, -0, 1e21, true, null, undefined], k: { y: NaN, x: Infinity }, '': 'empty' };
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    expect(canonicalJson(value)).toBe(JSON.stringify(sorted(value)));
  });
});
