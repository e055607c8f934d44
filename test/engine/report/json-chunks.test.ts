import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../../engine/report/json-chunks.js';
import { planJsonChunks, renderPlanJson } from '../../../engine/report/plan-json.js';
import { renderPlanOutput, renderPlanOutputChunks } from '../../../engine/report/plan-output.js';
import type { Diagnostic } from '../../../engine/model/diagnostic.js';
import pc from 'picocolors';
import { samplePlan } from '../plan/sample-plan.js';

describe('jsonChunks', () => {
  it('joins to JSON.stringify(value, null, 2) for any value, at any depth of splitting', () => {
    const values = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.constant(() => 1),
        fc.date({ noInvalidDate: true }),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 4 }), (v, levels) => {
        const whole = JSON.stringify(v, null, 2);
        const pieces = [...jsonChunks(v, levels)];
        expect(pieces.length ? pieces.join('') : undefined).toBe(whole);
      }),
      { numRuns: 1000 },
    );
  });

  it('calls toJSON with the key JSON.stringify passes, also among elements stringified in batches', () => {
    const keyed = { toJSON: (key: string) => `key=${key}` };
    const value = { a: keyed, list: [keyed, { n: 1 }], boxed: new Number(2) };
    expect([...jsonChunks(value)].join('')).toBe(JSON.stringify(value, null, 2));
    const mixed = { changes: Array.from({ length: 300 }, (_, i) => (i % 7 === 3 ? keyed : i % 11 === 5 ? undefined : { id: `ci:x/${i}`, n: [i] })) };
    expect([...jsonChunks(mixed)].join('')).toBe(JSON.stringify(mixed, null, 2));
  });

  it('splits a large array into batches of elements of about 64 Ki characters, never one piece for the whole', () => {
    const big = { changes: Array.from({ length: 20_000 }, (_, i) => ({ id: `ci:x/${i}`, diff: 'a\nb', paths: [] })) };
    const pieces = [...jsonChunks(big)];
    expect(pieces.join('')).toBe(JSON.stringify(big, null, 2));
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(80 * 1024);
    // an element larger than a batch is a piece of its own
    const large = { changes: [{ id: 'a' }, { id: 'b', text: 'x'.repeat(200_000) }, { id: 'c' }] };
    expect([...jsonChunks(large)].join('')).toBe(JSON.stringify(large, null, 2));
  });
});

describe('plan -o json in pieces', () => {
  it('is the text renderPlanJson writes, with and without diagnostics', () => {
    const plan = samplePlan();
    const diagnostics: Diagnostic[] = [{ severity: 'warning', code: 'plan.target-overlap', ci: 'host:shop/h2', message: 'm → “x”', hint: 'h' }];
    expect([...planJsonChunks(plan)].join('')).toBe(renderPlanJson(plan));
    expect([...planJsonChunks(plan, diagnostics)].join('')).toBe(renderPlanJson(plan, diagnostics));
    const options = { colors: pc.createColors(false), command: 'plan' as const, diagnostics };
    for (const format of ['json', 'text', 'markdown', 'sarif'] as const)
      expect([...renderPlanOutputChunks(format, plan, options)].join('')).toBe(renderPlanOutput(format, plan, options));
  });
});
