import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../../engine/policy/evaluate.js';
import { loadPolicies } from '../../../engine/policy/load-policies.js';
import type { ImpactSummary } from '../../../engine/plan/types.js';
import { ci } from '../../helpers/make-repo.js';
import { graphOf, yamlDocs } from './helpers.js';

const NOW = new Date('2026-06-15T10:30:00Z');

/** Policies whose only validation is `false`, so the message shows what the expression saw. */
function probes(scope: string, probesByName: Record<string, string>, extra = '') {
  const text = Object.entries(probesByName)
    .map(
      ([name, messageExpression]) => `apiVersion: plumb.io/v1
kind: Policy
metadata: {name: ${name}}
spec:
  action: audit
  scope: ${scope}
${extra}  validations:
    - expression: "false"
      messageExpression: ${JSON.stringify(messageExpression)}
`,
    )
    .join('---\n');
  const repo = yamlDocs({ 'policies/probes.yaml': text });
  const loaded = loadPolicies(repo.docs, repo.locate);
  expect(loaded.diagnostics).toEqual([]);
  return loaded.policies;
}

const api = ci({
  kind: 'Application',
  name: 'api',
  namespace: 'shop',
  labels: { env: 'prod', tier: '1' },
  owner: 'group:team-api',
  spec: { replicas: 3, cpu: 0.5 },
  relations: [
    { type: 'dependsOn', target: 'database:orders-db' },
    { type: 'runsOn', target: 'host:h1' },
  ],
});
const db = ci({ kind: 'Database', name: 'orders-db', namespace: 'shop', labels: { env: 'prod' } });
const h1 = ci({ kind: 'Host', name: 'h1', namespace: 'shop' });
const web = ci({ kind: 'Application', name: 'web', namespace: 'shop', relations: [{ type: 'consumesApi', target: 'application:api' }] });
const graph = graphOf([api, db, h1, web]);

const impact: ImpactSummary = {
  sources: ['application:shop/api'],
  event: 'change',
  affected: [{ id: 'application:shop/web', state: 'at-risk', depth: 1, path: ['application:shop/api', 'application:shop/web'], wouldBe: 'degraded' }],
  businessServices: [{ id: 'businessservice:shop/checkout', criticality: 'high', state: 'at-risk' }],
  risk: { score: 42, level: 'medium' },
};

describe('policy variables', () => {
  it('each variable carries what docs/architecture.md promises', () => {
    const policies = probes('change', {
      object: "object.metadata.name + ' ' + object.metadata.namespace + ' ' + string(object.spec.replicas + 1) + ' ' + string(object.spec.cpu * 2.0)",
      'old-object': "string(oldObject.spec.replicas) + ' ' + string(oldObject.spec.replicas < object.spec.replicas)",
      change: "change.action + ' ' + change.paths.join(',')",
      impact:
        "string(size(impact.affected)) + ' ' + impact.affected[0].id + ' ' + impact.affected[0].wouldBe + ' ' + impact.businessServices[0].criticality + ' ' + string(impact.risk.score) + ' ' + impact.risk.level",
      relations: "relations.map(r, r.type + '>' + r.target).join(',')",
      dependents: "dependents.map(d, d.source + '>' + d.type).join(',')",
      plan: "string(plan.summary.update) + ' ' + plan.changes[0].id + ' ' + plan.changes[0].paths[0]",
      now: "string(now) + ' ' + string(now.getHours()) + ' ' + string(now.getHours('Europe/Berlin')) + ' ' + string(now + duration('90m') > timestamp('2026-06-15T11:59:00Z'))",
    });
    const { results } = evaluatePolicies({
      policies,
      scope: 'change',
      graph,
      now: NOW,
      changes: [{ id: api.id, action: 'update', paths: ['/spec/replicas'], oldObject: { spec: { replicas: 2 } }, impact }],
      plan: {
        summary: { create: 0, update: 1, delete: 0, noop: 3, unmanaged: 0 },
        changes: [{ id: api.id, action: 'update', wave: 0, provider: 'snapshot', target: 'lab', paths: ['/spec/replicas'] }],
      },
    });
    expect(Object.fromEntries(results.map((r) => [r.policy, r.message]))).toEqual({
      object: 'api shop 4 1',
      'old-object': '2 true',
      change: 'update /spec/replicas',
      impact: '1 application:shop/web degraded high 42 medium',
      relations: 'dependsOn>database:shop/orders-db,runsOn>host:shop/h1',
      dependents: 'application:shop/web>consumesApi',
      plan: '1 application:shop/api /spec/replicas',
      now: '2026-06-15T10:30:00Z 10 12 true',
    });
  });

  it('in inventory scope the change is a noop, oldObject is null, and labels/annotations always exist', () => {
    const policies = probes('inventory', {
      shape: "change.action + ' ' + string(oldObject == null) + ' ' + string(size(object.metadata.labels)) + ' ' + string(size(object.metadata.annotations))",
    });
    const { results } = evaluatePolicies({ policies, scope: 'inventory', graph: graphOf([h1]), now: NOW });
    expect(results.map((r) => r.message)).toEqual(['noop true 0 0']);
  });

  it('a deleted CI is read from the base graph: its relations and who depended on it', () => {
    const policies = probes('change', {
      deleted: "change.action + ' ' + object.metadata.name + ' <- ' + dependents.map(d, d.source).join(',')",
    });
    const { results } = evaluatePolicies({
      policies,
      scope: 'change',
      graph: graphOf([api, h1, web]),
      baseGraph: graph,
      now: NOW,
      changes: [{ id: db.id, action: 'delete' }],
    });
    expect(results.map((r) => r.message)).toEqual(['delete orders-db <- application:shop/api']);
  });
});

describe('match', () => {
  const everyone = [api, db, h1, web, ci({ kind: 'Database', name: 'other-db', namespace: 'lab', labels: { env: 'prod' } })];
  const matched = (match: string) => {
    const policies = probes('inventory', { probe: 'object.metadata.name' }, `  match:\n${match}`);
    return evaluatePolicies({ policies, scope: 'inventory', graph: graphOf(everyone), now: NOW }).results.map((r) => r.ci);
  };

  it('selects by kinds (case-insensitive), namespaces, labels and a CEL condition — all must hold', () => {
    expect({
      kinds: matched('    kinds: [database]\n'),
      namespaces: matched('    namespaces: [lab]\n'),
      labels: matched('    labels: {env: prod, tier: "1"}\n'),
      condition: matched('    condition: "object.spec.replicas >= 3"\n'),
      all: matched('    kinds: [Database]\n    namespaces: [shop]\n    labels: {env: prod}\n'),
    }).toEqual({
      kinds: ['database:lab/other-db', 'database:shop/orders-db'],
      namespaces: ['database:lab/other-db'],
      labels: ['application:shop/api'],
      condition: ['application:shop/api'],
      all: ['database:shop/orders-db'],
    });
  });
});

describe('run-time errors', () => {
  const policyText = (action: string) => `apiVersion: plumb.io/v1
kind: Policy
metadata: {name: divides-${action}}
spec:
  action: ${action}
  severity: high
  scope: inventory
  match: {kinds: [Application]}
  validations:
    - expression: "100 / (object.spec.replicas - 3) > 1"
`;
  const run = (action: string) => {
    const repo = yamlDocs({ 'policies/p.yaml': policyText(action) });
    const { policies } = loadPolicies(repo.docs, repo.locate);
    return evaluatePolicies({ policies, scope: 'inventory', graph: graphOf([api]), now: NOW });
  };

  it('a deny policy that fails to evaluate fails closed, and says so', () => {
    expect(run('deny')).toEqual({
      results: [
        {
          policy: 'divides-deny',
          ci: 'application:shop/api',
          action: 'deny',
          severity: 'high',
          outcome: 'error',
          message: 'policy divides-deny failed to evaluate 100 / (object.spec.replicas - 3) > 1: int divide by zero; denying (fail closed)',
          file: 'inventory/application-api.yaml',
          line: 1,
          column: 1,
        },
      ],
      denied: true,
      diagnostics: [],
    });
  });

  it('a warn policy that fails to evaluate is an error result, never a silent pass, but denies nothing', () => {
    const evaluation = run('warn');
    expect(evaluation.results.map((r) => [r.outcome, r.message])).toEqual([
      ['error', 'policy divides-warn failed to evaluate 100 / (object.spec.replicas - 3) > 1: int divide by zero'],
    ]);
    expect(evaluation.denied).toBe(false);
  });

  it('reading impact without a simulation is an error of the policy, not a crash', () => {
    const policies = probes('inventory', { blast: 'string(size(impact.affected))' }, '  match: {kinds: [Host]}\n');
    const { results } = evaluatePolicies({ policies, scope: 'inventory', graph: graphOf([h1]), now: NOW });
    expect(results.map((r) => [r.outcome, r.message])).toEqual([
      ['violated', 'policy blast: false is false (messageExpression failed: impact is not available: no impact simulation was provided)'],
    ]);
  });

  it('a condition reading a missing field does not match; an expression that is not a bool is an error', () => {
    const policies = probes('inventory', { strict: 'object.metadata.name' }, '  match: {condition: "object.spec.replicas > 0"}\n');
    const repo = yamlDocs({
      'p.yaml':
        'apiVersion: plumb.io/v1\nkind: Policy\nmetadata: {name: not-bool}\nspec: {action: warn, scope: inventory, validations: [{expression: "object.metadata.name"}]}\n',
    });
    const notBool = loadPolicies(repo.docs, repo.locate).policies;
    const evaluation = evaluatePolicies({ policies: [...policies, ...notBool], scope: 'inventory', graph: graphOf([api, h1]), now: NOW });
    expect(evaluation.results.map((r) => [r.policy, r.ci, r.outcome, r.message])).toEqual([
      ['strict', 'application:shop/api', 'violated', 'api'],
      ['not-bool', 'application:shop/api', 'error', 'policy not-bool failed to evaluate object.metadata.name: the expression gave api, not a bool'],
      ['not-bool', 'host:shop/h1', 'error', 'policy not-bool failed to evaluate object.metadata.name: the expression gave h1, not a bool'],
    ]);
  });
});
