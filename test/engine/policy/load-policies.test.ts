import { describe, expect, it } from 'vitest';
import { loadPolicies } from '../../../engine/policy/load-policies.js';
import { yamlDocs } from './helpers.js';

function load(text: string) {
  const repo = yamlDocs({ 'policies/p.yaml': text });
  return loadPolicies(repo.docs, repo.locate);
}

describe('loadPolicies', () => {
  it('a CEL syntax error is a diagnostic at the expression’s own line and column', () => {
    const { policies, diagnostics } = load(`apiVersion: plumb.io/v1
kind: Policy
metadata: {name: broken}
spec:
  action: deny
  scope: inventory
  validations:
    - expression: "true"
    - expression: "object.spec.replicas >"
`);
    expect(policies).toEqual([]);
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        code: 'policy.cel-compile',
        message: 'policy broken: expression does not compile: syntax error: found > but expecting end of input (at 1:22 of the expression)',
        hint: 'see https://cel.dev for the CEL syntax',
        file: 'policies/p.yaml',
        line: 9,
        column: 19,
      },
    ]);
  });

  it('a misspelt variable or function is caught at compile time, with a suggestion', () => {
    const { diagnostics } = load(`apiVersion: plumb.io/v1
kind: Policy
metadata: {name: typos}
spec:
  action: warn
  scope: change
  match:
    condition: "obejct.metadata.name == 'x'"
  validations:
    - expression: "sise(relations) > 0"
`);
    expect(diagnostics.map((d) => [d.code, d.line, d.message, d.hint])).toEqual([
      [
        'policy.cel-compile',
        8,
        "policy typos: condition does not compile: undeclared reference to 'obejct'",
        "the variables are object, oldObject, change, impact, relations, dependents, plan, now, capacity; did you mean 'object'?",
      ],
      [
        'policy.cel-compile',
        10,
        "policy typos: expression does not compile: unknown function 'sise'",
        'see the CEL standard library and the strings extension',
      ],
    ]);
  });

  it('schema violations are placed at the offending field', () => {
    const { policies, exceptions, diagnostics } = load(`apiVersion: plumb.io/v1
kind: Policy
metadata: {name: bad}
spec:
  action: block
  scope: inventory
  sevrity: high
  validations: []
---
apiVersion: plumb.io/v1
kind: PolicyException
metadata: {name: bad-exception}
spec:
  policies: [bad]
  reason: because
  expires: next tuesday
`);
    expect({ policies, exceptions }).toEqual({ policies: [], exceptions: [] });
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['policy.schema', 5, 11, 'policy bad: /spec/action must be equal to one of the allowed values (deny, warn, audit)'],
      ['policy.schema', 7, 12, "policy bad: /spec must NOT have additional properties ('sevrity')"],
      ['policy.schema', 8, 16, 'policy bad: /spec/validations must NOT have fewer than 1 items'],
      ['policy.schema', 16, 12, 'policyexception bad-exception: /spec/expires must be a date (2027-03-31) or an RFC 3339 date-time (2027-03-31T18:00:00Z)'],
    ]);
  });

  it('a duplicate policy name is an error pointing at the first definition; an exception for an unknown policy is a warning', () => {
    const policy = (action: string) => `apiVersion: plumb.io/v1
kind: Policy
metadata: {name: twice}
spec: {action: ${action}, scope: plan, validations: [{expression: "true"}]}
`;
    const { policies, diagnostics } = load(`${policy('deny')}---
${policy('warn')}---
apiVersion: plumb.io/v1
kind: PolicyException
metadata: {name: orphan}
spec:
  policies: [twice, nosuch]
  reason: testing
`);
    expect(policies.map((p) => [p.name, p.action])).toEqual([['twice', 'deny']]);
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        code: 'policy.duplicate',
        message: 'policy twice is defined twice',
        hint: 'policy names are global: rename one of them',
        file: 'policies/p.yaml',
        line: 8,
        column: 18,
        related: [{ file: 'policies/p.yaml', line: 3, column: 18, message: 'first defined here' }],
      },
      {
        severity: 'warning',
        code: 'policy.exception-unknown-policy',
        message: 'exception orphan names unknown policy nosuch',
        hint: 'check the policy name (metadata.name of a Policy)',
        file: 'policies/p.yaml',
        line: 15,
        column: 21,
      },
    ]);
  });

  it('kind:name targets resolve in the exception’s namespace; a date expires at the end of that day (UTC)', () => {
    const { exceptions, diagnostics } = load(`apiVersion: plumb.io/v1
kind: PolicyException
metadata: {name: e, namespace: shop}
spec:
  policies: [p]
  targets: ["Database:orders-db", "host:infra/h1"]
  reason: r
  expires: 2027-03-31
---
apiVersion: plumb.io/v1
kind: PolicyException
metadata: {name: f}
spec:
  policies: [p]
  reason: r
  expires: "2027-03-31T18:00:00+02:00"
`);
    expect(exceptions.map((e) => ({ name: e.name, targets: e.targets && [...e.targets], expiresAt: e.expiresAt?.toISOString() }))).toEqual([
      { name: 'e', targets: ['database:shop/orders-db', 'host:infra/h1'], expiresAt: '2027-04-01T00:00:00.000Z' },
      { name: 'f', targets: undefined, expiresAt: '2027-03-31T16:00:00.000Z' },
    ]);
    expect(diagnostics.map((d) => d.code)).toEqual(['policy.exception-unknown-policy', 'policy.exception-unknown-policy']);
  });

  it('other kinds under the policy paths are reported, not silently ignored', () => {
    const { diagnostics } = load(`apiVersion: plumb.io/v1
kind: Database
metadata: {name: misplaced}
`);
    expect(diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([['warning', 'policy.unknown-kind', 2]]);
  });
});
