import { describe, expect, it } from 'vitest';
import { CelCompileError, CelEvalError, compileCel, evaluateCel } from '../../../engine/policy/cel.js';
import { toCelInput } from '../../../engine/policy/cel-values.js';

const items = (n: number) => toCelInput({ spec: { items: Array.from({ length: n }, (_, i) => i) } }) as never;

describe('CEL has a cost budget, as Kubernetes sets one for ValidatingAdmissionPolicy', () => {
  // attack: one short policy took 38.9 s per CI and blocked the controller's event loop
  it('refuses at compile time an expression whose estimated cost is too high', () => {
    const program = compileCel('object.spec.items.all(a, object.spec.items.all(b, object.spec.items.all(c, a + b + c >= 0)))');
    expect(program).toBeInstanceOf(CelCompileError);
    expect((program as CelCompileError).code).toBe('policy.cel-cost');
  });

  it('stops an expression at run time once it takes more steps than the budget, and fails closed', () => {
    const program = compileCel('object.spec.items.all(a, object.spec.items.all(b, a + b >= 0)) || true');
    if (program instanceof CelCompileError) throw program;
    expect(evaluateCel(program, { object: items(10) })).toBe(true);
    const result = evaluateCel(program, { object: items(1000) });
    expect(result).toBeInstanceOf(CelEvalError);
    expect((result as CelEvalError).code).toBe('policy.cel-cost');
    expect(evaluateCel(program, { object: items(50) }, { costLimit: 100 })).toMatchObject({ code: 'policy.cel-cost' });
  });

  it('counts map and filter steps too, and leaves small comprehensions alone', () => {
    const program = compileCel('object.spec.items.map(a, object.spec.items.filter(b, b > a)).size() >= 0');
    if (program instanceof CelCompileError) throw program;
    expect(evaluateCel(program, { object: items(20) })).toBe(true);
    expect(evaluateCel(program, { object: items(400) })).toMatchObject({ code: 'policy.cel-cost' });
    const literal = compileCel('[1, 2, 3].all(x, [4, 5].exists(y, x < y))');
    if (literal instanceof CelCompileError) throw literal;
    expect(evaluateCel(literal, {})).toBe(true);
  });
});

describe('a policy over its cost budget fails closed at the expression', () => {
  it("denies every CI, points at the expression's line, and stops running once its per-evaluation budget is spent", async () => {
    const { evaluatePolicies } = await import('../../../engine/policy/evaluate.js');
    const { loadPolicies } = await import('../../../engine/policy/load-policies.js');
    const { ci } = await import('../../helpers/make-repo.js');
    const { graphOf, yamlDocs } = await import('../policy/helpers.js');
    const repo = yamlDocs({
      'policies/slow.yaml': [
        'apiVersion: plumb.io/v1',
        'kind: Policy',
        'metadata: {name: slow}',
        'spec:',
        '  action: deny',
        '  scope: inventory',
        '  validations:',
        '    - expression: "object.spec.items.all(a, object.spec.items.all(b, a + b >= 0))"',
        '',
      ].join('\n'),
    });
    const loaded = loadPolicies(repo.docs, repo.locate);
    expect(loaded.diagnostics).toEqual([]);
    const big = Array.from({ length: 400 }, (_, i) => i);
    const cis = Array.from({ length: 40 }, (_, i) => ci({ kind: 'Application', name: `a${i}`, namespace: 'shop', spec: { items: big } }));
    const result = evaluatePolicies({ policies: loaded.policies, scope: 'inventory', graph: graphOf(cis), now: new Date() });
    expect(result.denied).toBe(true);
    expect(result.results).toHaveLength(40);
    expect(new Set(result.results.map((r) => `${r.outcome} ${r.file}:${r.line}`))).toEqual(new Set(['error policies/slow.yaml:8']));
    expect(result.results.filter((r) => r.message.includes('spent its')).length).toBeGreaterThan(20);
  });
});
