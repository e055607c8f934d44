import { describe, expect, it } from 'vitest';
import { planHash } from '../../../engine/plan/assemble-plan.js';
import { canonicalJson, fingerprintOf, sha256 } from '../../../engine/model/canonical-json.js';
import { samplePlan } from './sample-plan.js';

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
    for (const levels of [0, 1, 2, 5]) expect(canonicalSha256(value, levels)).toBe(sha256(canonicalJson(value)));
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
