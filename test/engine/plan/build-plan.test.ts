import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { buildPlan, type PlanPolicyEvaluator } from '../../../engine/plan/build-plan.js';
import { fingerprintOf } from '../../../engine/model/canonical-json.js';
import type { ObservedObject } from '../../../engine/providers/contract.js';
import { ci, graphOf } from './fixtures.js';

const host = ci('host:shop/h1', { os: 'linux' });
const db = ci('database:shop/db', { engine: 'postgres', version: '16', password: 'hunter2' }, [['runsOn', 'host:shop/h1']], 'inventory/db.yaml', 4);
const api = ci('application:shop/api', { replicas: 2 }, [['dependsOn', 'database:shop/db']], 'inventory/api.yaml', 1);
const graph = graphOf([host, db, api]);
const schemas = new Map([
  [
    'Database',
    { kind: 'Database', file: 'builtin:Database', schema: { properties: { spec: { properties: { password: { type: 'string', 'x-plumb-secret': true } } } } } },
  ],
]);
const repo = { revision: 'c'.repeat(40), schemas, config: DEFAULT_CONFIG };
const observed: ObservedObject[] = [
  // unchanged, with a field the provider defaults (not drift)
  { id: host.id, object: { ...host.object, spec: { os: 'linux', arch: 'x86_64' } } },
  // drift: version and the secret
  { id: db.id, object: { ...db.object, spec: { engine: 'postgres', version: '15', password: 'old-secret' } } },
  { id: 'host:shop/stray', object: { kind: 'Host', metadata: { name: 'stray' } } },
  { id: 'host:shop/old', object: { kind: 'Host', metadata: { name: 'old' } }, managedByPlumb: true },
];
const now = new Date('2026-03-01T10:00:00Z');

describe('buildPlan', () => {
  it('plans creates, updates, deletes and noops in waves, with fingerprints, backups and a hash', () => {
    const { plan, diagnostics } = buildPlan({ repo, graph, now, targets: [{ name: 'rec', provider: 'snapshot', desired: [host, db, api], observed }] });
    expect(diagnostics).toEqual([]);
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 1, noop: 1, unmanaged: 1 });
    expect(plan.changes.map((c) => [c.wave, c.action, c.id, c.paths])).toEqual([
      [1, 'update', 'database:shop/db', ['/spec/version', '/spec/password']],
      [2, 'create', 'application:shop/api', ['']],
      [3, 'delete', 'host:shop/old', ['']],
      [0, 'noop', 'host:shop/h1', []],
    ]);
    expect(plan.unmanaged).toEqual([{ id: 'host:shop/stray', target: 'rec' }]);
    // only what apply writes is fingerprinted: not the noop host:shop/h1
    expect(plan.fingerprints).toEqual({
      'database:shop/db': fingerprintOf(observed[1].object),
      'application:shop/api': 'absent',
      'host:shop/old': fingerprintOf(observed[3].object),
    });
    expect(plan.backups).toEqual(['database:shop/db', 'application:shop/api', 'host:shop/old']);
    expect(plan.createdAt).toBe('2026-03-01T10:00:00.000Z');
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.impact.sources).toEqual(['application:shop/api', 'database:shop/db']);
    expect(plan.changes[0].impact?.affected.map((a) => a.id)).toEqual(['application:shop/api']);
  });

  it('never lets a secret value into the plan', () => {
    const { plan } = buildPlan({ repo, graph, now, targets: [{ name: 'rec', provider: 'snapshot', desired: [host, db, api], observed }] });
    const json = JSON.stringify(plan);
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('old-secret');
    expect(plan.changes[0].diff).toContain('(sensitive, changed)');
  });

  it('is the same plan for the same inputs', () => {
    const a = buildPlan({ repo, graph, now, targets: [{ name: 'rec', provider: 'snapshot', desired: [host, db, api], observed }] }).plan;
    const b = buildPlan({
      repo,
      graph,
      now,
      targets: [{ name: 'rec', provider: 'snapshot', desired: [api, db, host], observed: [...observed].reverse() }],
    }).plan;
    expect(b).toEqual(a);
  });

  it('hands changes and the plan view to the policies, and reports their results', () => {
    const seen: string[] = [];
    const policies: PlanPolicyEvaluator = ({ changes, plan }) => {
      seen.push(
        ...changes.map((c) => `${c.action} ${c.id} old=${c.oldObject ? 'yes' : 'no'}`),
        `plan ${plan.summary.create}/${plan.summary.update}/${plan.summary.delete}`,
      );
      return { results: [{ policy: 'p', ci: 'database:shop/db', action: 'deny', severity: 'high', outcome: 'violated', message: 'no' }], diagnostics: [] };
    };
    const { plan } = buildPlan({ repo, graph, now, policies, targets: [{ name: 'rec', provider: 'snapshot', desired: [host, db, api], observed }] });
    expect(seen).toEqual(['update database:shop/db old=yes', 'create application:shop/api old=no', 'delete host:shop/old old=yes', 'plan 1/1/1']);
    expect(plan.policy.denied).toBe(true);
  });

  it('plans a ci selected by two targets once, with a warning', () => {
    const { plan, diagnostics } = buildPlan({
      repo,
      graph,
      now,
      targets: [
        { name: 'a', provider: 'snapshot', desired: [host], observed: [] },
        { name: 'b', provider: 'snapshot', desired: [host], observed: [] },
      ],
    });
    expect(plan.changes.map((c) => [c.target, c.id])).toEqual([['a', 'host:shop/h1']]);
    expect(diagnostics.map((d) => d.code)).toEqual(['plan.target-overlap']);
  });
});

describe('buildPlan: cascaded deletes in the risk', () => {
  it('deleting a Namespace with 8 objects in it is at least medium risk; the Namespace alone is low', () => {
    const nsObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'plumb.io/managed-by': 'plumb' } } };
    const namespace: ObservedObject = { id: 'namespace:_cluster/shop', object: nsObject, managedByPlumb: true };
    const children: ObservedObject[] = Array.from({ length: 8 }, (_, i) => ({
      id: `configmap:shop/c${i}`,
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'shop' }, data: { v: String(i) } },
    }));
    const plan = (cascade: boolean) =>
      buildPlan({
        repo,
        graph: graphOf([]),
        now,
        targets: [
          {
            name: 'k8s',
            provider: 'kubernetes',
            desired: [],
            observed: [namespace, ...children],
            ...(cascade ? { cascades: new Map([[namespace.id, children]]) } : {}),
          },
        ],
      }).plan;
    const withCascade = plan(true);
    expect(withCascade.changes.filter((c) => c.cascadeOf === namespace.id)).toHaveLength(8);
    expect(withCascade.impact.affected.map((a) => a.id).sort()).toEqual(children.map((c) => c.id).sort());
    expect(['medium', 'high', 'critical']).toContain(withCascade.impact.risk.level);
    expect(withCascade.impact.risk).toEqual({ score: 30, level: 'medium' });
    expect(withCascade.changes.find((c) => c.id === namespace.id)?.impact?.risk).toEqual({ score: 30, level: 'medium' });
    // the same Namespace with nothing in it
    expect(
      buildPlan({ repo, graph: graphOf([]), now, targets: [{ name: 'k8s', provider: 'kubernetes', desired: [], observed: [namespace] }] }).plan.impact.risk,
    ).toEqual({ score: 13, level: 'low' });
  });
});
