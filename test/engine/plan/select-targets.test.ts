import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { PlumbError } from '../../../engine/model/errors.js';
import { selectTargets } from '../../../engine/plan/select-targets.js';

const config = (targets: Record<string, { provider: string }>, defaultTarget?: string) => ({ ...DEFAULT_CONFIG, targets, defaultTarget });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof PlumbError ? e.code : 'not a PlumbError';
  }
  return 'no error';
};

describe('selectTargets', () => {
  const two = { a: { provider: 'snapshot' }, b: { provider: 'file' } };

  it('takes --target, else the default target, else every target', () => {
    expect(selectTargets(config(two), 'b')).toEqual(['b']);
    expect(selectTargets(config(two, 'a'))).toEqual(['a']);
    expect(selectTargets(config(two))).toEqual(['a', 'b']);
  });

  it('refuses an unknown target and a repository without targets', () => {
    expect(codeOf(() => selectTargets(config(two), 'c'))).toBe('plan.unknown-target');
    expect(codeOf(() => selectTargets(config({})))).toBe('plan.no-targets');
  });
});
