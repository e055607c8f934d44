import { describe, expect, it } from 'vitest';
import { assertSecretsUnchanged, secretDigest, verifyAgainstReplan } from '../../../engine/apply/plan-integrity.js';
import { assertNotDenied } from '../../../engine/apply/check-plan.js';
import type { Plan } from '../../../engine/plan/types.js';
import { samplePlan } from '../plan/sample-plan.js';

const all = (p: Plan) => new Set(p.targets);

describe('a plan file is checked against a fresh plan of its revision', () => {
  // attack: `"denied": false` written over a denial, hash recomputed
  it('takes the policy verdict from the fresh evaluation, never from the file', () => {
    const fresh = samplePlan({ denied: true });
    const tampered: Plan = { ...fresh, policy: { ...fresh.policy, denied: false, results: [] } };
    const checked = verifyAgainstReplan(tampered, fresh, all(fresh));
    expect(checked.policy).toEqual(fresh.policy);
    expect(() => assertNotDenied(checked, undefined)).toThrow(expect.objectContaining({ code: 'policy.denied' }));
  });

  it('refuses a change the revision does not plan, and one it plans that the file lacks', () => {
    const fresh = samplePlan();
    const [first, ...rest] = fresh.changes.filter((c) => c.action !== 'noop');
    const edited: Plan = { ...fresh, changes: [{ ...first, patch: [{ op: 'replace', path: '/spec/version', value: '99' }] }, ...rest] };
    expect(() => verifyAgainstReplan(edited, fresh, all(fresh))).toThrow(expect.objectContaining({ code: 'plan.stale', data: { cis: [first.id] } }));
    const dropped: Plan = { ...fresh, changes: rest };
    expect(() => verifyAgainstReplan(dropped, fresh, all(fresh))).toThrow(expect.objectContaining({ code: 'plan.stale', data: { cis: [first.id] } }));
    expect(verifyAgainstReplan(fresh, fresh, all(fresh))).toEqual(fresh);
  });

  it('checks secret digests with the key, and refuses a work-tree plan without one', () => {
    const key = Buffer.from('k');
    const desired = { kind: 'Database', spec: { password: 'old-value' } };
    const plan = { ...samplePlan(), revision: 'worktree', secretDigests: { 'database:shop/orders-db': secretDigest(key, desired) } } as Plan;
    const changes = [{ ...plan.changes[0], id: 'database:shop/orders-db', desired }];
    expect(() => assertSecretsUnchanged(plan, changes, key)).not.toThrow();
    const changed = [{ ...changes[0], desired: { kind: 'Database', spec: { password: 'new-value' } } }];
    expect(() => assertSecretsUnchanged(plan, changed, key)).toThrow(expect.objectContaining({ code: 'plan.stale' }));
    expect(() => assertSecretsUnchanged(plan, changes, undefined)).toThrow(expect.objectContaining({ code: 'plan.unverifiable' }));
    expect(() => assertSecretsUnchanged({ ...plan, revision: 'a'.repeat(40) }, changed, undefined)).not.toThrow();
  });
});
