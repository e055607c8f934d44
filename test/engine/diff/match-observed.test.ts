import { describe, expect, it } from 'vitest';
import { matchObserved } from '../../../engine/diff/match-observed.js';
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
});
