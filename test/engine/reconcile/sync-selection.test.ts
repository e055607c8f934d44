import { describe, expect, it } from 'vitest';
import type { SyncConfig } from '../../../engine/config/types.js';
import type { CI } from '../../../engine/model/ci.js';
import type { Plan, PlannedChange } from '../../../engine/plan/types.js';
import { nextApplied, selectSync } from '../../../engine/reconcile/sync-selection.js';

const change = (id: string, action: PlannedChange['action']): PlannedChange => ({
  id,
  action,
  wave: 1,
  patch: [],
  diff: '',
  provider: 'kubernetes',
  target: 'cluster',
  paths: [],
});
const ci = (id: string, annotations: Record<string, string> = {}) => ({ id, annotations }) as unknown as CI;
const plan = (changes: PlannedChange[]) => ({ changes }) as unknown as Plan;

const changes = [
  change('configmap:a/git-changed', 'update'),
  change('configmap:a/drifted', 'update'),
  change('configmap:a/manual', 'update'),
  change('configmap:a/gone', 'delete'),
  change('configmap:a/same', 'noop'),
];
const cis = new Map(
  [ci('configmap:a/git-changed'), ci('configmap:a/drifted'), ci('configmap:a/manual', { 'plumb.io/sync-policy': 'manual' }), ci('configmap:a/same')].map(
    (c) => [c.id, c],
  ),
);
const digests = new Map([
  ['configmap:a/git-changed', 'new'],
  ['configmap:a/drifted', 'd'],
  ['configmap:a/manual', 'm2'],
  ['configmap:a/same', 's'],
]);
const lastApplied = new Map([
  ['configmap:a/git-changed', 'old'],
  ['configmap:a/drifted', 'd'],
  ['configmap:a/manual', 'm1'],
  ['configmap:a/same', 's'],
  ['configmap:a/gone', 'g'],
]);
const run = (sync: SyncConfig, last: Map<string, string> | undefined = lastApplied) => {
  const s = selectSync({ plan: plan(changes), sync, cis, digests, lastApplied: last });
  return { apply: s.apply.map((c) => c.id), held: s.held, drift: s.drift };
};

describe('sync selection', () => {
  it('automated without selfHeal or prune applies only what Git changed; drift, manual CIs and deletes are held', () => {
    expect(run({ policy: 'automated', selfHeal: false, prune: false })).toEqual({
      apply: ['configmap:a/git-changed'],
      held: [
        { id: 'configmap:a/drifted', action: 'update', reason: 'self-heal-off' },
        { id: 'configmap:a/manual', action: 'update', reason: 'manual' },
        { id: 'configmap:a/gone', action: 'delete', reason: 'prune-off' },
      ],
      drift: ['configmap:a/drifted'],
    });
  });

  it('selfHeal re-applies drift, prune deletes; a manual CI is still only reported', () => {
    expect(run({ policy: 'automated', selfHeal: true, prune: true })).toEqual({
      apply: ['configmap:a/git-changed', 'configmap:a/drifted', 'configmap:a/gone'],
      held: [{ id: 'configmap:a/manual', action: 'update', reason: 'manual' }],
      drift: ['configmap:a/drifted'],
    });
  });

  it('a manual repository applies nothing, except CIs annotated automated', () => {
    const annotated = new Map(cis);
    annotated.set('configmap:a/git-changed', ci('configmap:a/git-changed', { 'plumb.io/sync-policy': 'automated' }));
    const s = selectSync({ plan: plan(changes), sync: { policy: 'manual', selfHeal: true, prune: true }, cis: annotated, digests, lastApplied });
    expect(s.apply.map((c) => c.id)).toEqual(['configmap:a/git-changed']);
  });

  it('before the first apply every change counts as a Git change', () => {
    const s = selectSync({ plan: plan(changes), sync: { policy: 'automated', selfHeal: false, prune: false }, cis, digests, lastApplied: undefined });
    expect(s.apply.map((c) => c.id)).toEqual(['configmap:a/git-changed', 'configmap:a/drifted']);
  });

  it('the remembered digests keep the old value of what was not applied', () => {
    expect(Object.fromEntries(nextApplied(digests, lastApplied, ['configmap:a/manual']))).toEqual({
      'configmap:a/git-changed': 'new',
      'configmap:a/drifted': 'd',
      'configmap:a/manual': 'm1',
      'configmap:a/same': 's',
    });
  });
});
