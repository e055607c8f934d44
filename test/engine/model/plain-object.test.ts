import { describe, expect, it } from 'vitest';
import { isPlainObject } from '../../../engine/model/plain-object.js';

describe('isPlainObject: a YAML/JSON mapping', () => {
  it('is true for mappings only', () => {
    expect([{}, { a: 1 }, Object.create(null)].map(isPlainObject)).toEqual([true, true, true]);
    expect([null, undefined, [], [1], 'x', 1, true].map(isPlainObject)).toEqual([false, false, false, false, false, false, false]);
  });
});
