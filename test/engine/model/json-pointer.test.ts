import { describe, expect, it } from 'vitest';
import { escapePointerToken, formatPointer, parsePointer, unescapePointerToken } from '../../../engine/model/json-pointer.js';

describe('JSON Pointer tokens (RFC 6901)', () => {
  it('escapes ~ before /, and unescapes ~1 before ~0', () => {
    expect(['a', 'a/b', 'a~b', '~1', 'plumb.io/relations'].map(escapePointerToken)).toEqual(['a', 'a~1b', 'a~0b', '~01', 'plumb.io~1relations']);
    // "~01" is "~1" written as a token, not "/" — the order of the two replacements matters
    expect(['a', 'a~1b', 'a~0b', '~01'].map(unescapePointerToken)).toEqual(['a', 'a/b', 'a~b', '~1']);
  });

  it('round-trips pointers through their tokens', () => {
    const tokens = ['metadata', 'annotations', 'plumb.io/relations', 'x~y', '', '0'];
    expect(formatPointer(tokens)).toBe('/metadata/annotations/plumb.io~1relations/x~0y//0');
    expect(parsePointer(formatPointer(tokens))).toEqual(tokens);
    expect(parsePointer('')).toEqual([]);
    expect(formatPointer(['spec', 3])).toBe('/spec/3');
  });

  it('refuses text that is not a pointer', () => {
    expect(() => parsePointer('spec/x')).toThrow('not a json pointer: spec/x');
  });
});
