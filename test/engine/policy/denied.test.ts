import { describe, expect, it } from 'vitest';
import type { PolicyResult } from '../../../engine/plan/types.js';
import { blocks, denials, isDenied } from '../../../engine/policy/denied.js';

const result = (action: PolicyResult['action'], outcome: PolicyResult['outcome']): PolicyResult =>
  ({ policy: `${action}-${outcome}`, action, outcome, severity: 'high', message: 'm' }) as PolicyResult;

describe('is this plan denied? (the one rule)', () => {
  const all = (['deny', 'warn', 'audit'] as const).flatMap((a) => (['violated', 'error', 'excepted'] as const).map((o) => result(a, o)));

  it('a deny blocks when violated or when it failed to evaluate (fail closed), never when excepted', () => {
    expect(all.filter(blocks).map((r) => r.policy)).toEqual(['deny-violated', 'deny-error']);
    expect(denials(all).map((r) => r.policy)).toEqual(['deny-violated', 'deny-error']);
  });

  it('warn and audit never deny; an excepted deny alone does not', () => {
    expect(isDenied(all)).toBe(true);
    expect(isDenied(all.filter((r) => r.action !== 'deny'))).toBe(false);
    expect(isDenied([result('deny', 'excepted')])).toBe(false);
    expect(isDenied([])).toBe(false);
  });
});
