import { describe, expect, it } from 'vitest';
import { alignScopes, matchObserved } from '../../../engine/diff/match-observed.js';
import type { CI } from '../../../engine/model/ci.js';

const ci = (id: string) => ({ id }) as CI;
const obs = (id: string, managedByPlumb?: boolean) => ({ id, object: { id }, ...(managedByPlumb === undefined ? {} : { managedByPlumb }) });

describe('matchObserved', () => {
  it('pairs by identity; observed-only objects are unmanaged unless plumb created them, then deletes', () => {
    const desired = [ci('a:ns/x'), ci('a:ns/y')];
    const observed = [obs('a:ns/y'), obs('a:ns/z'), obs('a:ns/old', true), obs('a:ns/y')];
    expect(matchObserved(desired, observed)).toEqual({
      pairs: [{ desired: desired[1], observed: observed[0] }],
      creates: [desired[0]],
      unmanaged: [obs('a:ns/z')],
      deletes: [obs('a:ns/old', true)],
    });
  });

  it('re-keys an observed object across scopes only when no desired CI has its identity', () => {
    const kube = (id: string) => ({ id, kubernetes: {} }) as unknown as CI;
    const desired = [kube('widget:_cluster/a'), kube('widget:ns/b')];
    // every observed identity declared: returned as they are (the index is not even built)
    const same = [obs('widget:_cluster/a'), obs('widget:ns/b')];
    expect(alignScopes(desired, same)).toEqual(same);
    // one read under the other scope: the same object, re-keyed; an unrelated one is left alone
    const observed = [obs('widget:default/a'), obs('widget:ns/b'), obs('widget:ns/c')];
    expect(alignScopes(desired, observed).map((o) => o.id)).toEqual(['widget:_cluster/a', 'widget:ns/b', 'widget:ns/c']);
    expect(matchObserved(desired, observed).creates).toEqual([]);
    // and the other way: read cluster-scoped, declared namespaced; a counterpart already observed is not taken twice
    const both = [obs('widget:_cluster/b'), obs('widget:_cluster/a'), obs('widget:default/a')];
    expect(alignScopes(desired, both).map((o) => o.id)).toEqual(['widget:ns/b', 'widget:_cluster/a', 'widget:default/a']);
  });
});
