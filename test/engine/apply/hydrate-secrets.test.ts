import { describe, expect, it } from 'vitest';
import { hydrateSecrets } from '../../../engine/apply/hydrate-secrets.js';
import type { CI } from '../../../engine/model/ci.js';
import { fakeWith, planFor } from './plan-for.js';

const secretDoc = (password: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop' },
  data: { password, user: 'YWRtaW4=' },
});
const ci = (object: Record<string, unknown>) => ({ id: 'secret:shop/db', object }) as unknown as CI;

function planWithRedactedSecret() {
  const plan = planFor('t', fakeWith({}), [['secret:shop/db', 1, {}]]);
  return { ...plan, changes: [{ ...plan.changes[0], desired: secretDoc('(sensitive)') }] };
}

describe('hydrateSecrets', () => {
  it('puts the real secret values back from the desired state the plan was made from', () => {
    const hydrated = hydrateSecrets(planWithRedactedSecret(), new Map([['secret:shop/db', ci(secretDoc('aHVudGVyMg=='))]]));
    expect(hydrated.changes[0].desired).toEqual(secretDoc('aHVudGVyMg=='));
  });

  it('a desired CI that changed elsewhere than its secrets makes the plan stale', () => {
    const moved = { ...secretDoc('aHVudGVyMg=='), data: { password: 'aHVudGVyMg==', user: 'cm9vdA==' } };
    expect(() => hydrateSecrets(planWithRedactedSecret(), new Map([['secret:shop/db', ci(moved)]]))).toThrow(
      expect.objectContaining({ code: 'plan.stale', data: { cis: ['secret:shop/db'] } }),
    );
  });

  it('a plan without redactions is applied as it is', () => {
    const plan = planFor('t', fakeWith({}), [['host:shop/a', 1, { v: 1 }]]);
    expect(hydrateSecrets(plan, new Map())).toEqual(plan);
  });
});
