import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonInPieces } from '../../../../engine/providers/snapshot/parse-json-pieces.js';

/** What the snapshot reader does with a JSON file: the pieces, else JSON.parse of the whole (which throws on bad JSON). */
function read(text: string, window?: number): unknown {
  const bytes = Buffer.from(text, 'utf8');
  let pieces: unknown;
  try {
    pieces = parseJsonInPieces(bytes, window);
  } catch {
    pieces = undefined;
  }
  return pieces ?? JSON.parse(bytes.toString('utf8'));
}

const whole = (text: string) => {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: true };
  }
};
const pieces = (text: string, window?: number) => {
  try {
    return { value: read(text, window) };
  } catch {
    return { error: true };
  }
};

describe('parseJsonInPieces', () => {
  it('equals JSON.parse for any JSON document, however it is spaced', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, 2, '\t'), (value, space) => {
        const text = JSON.stringify({ apiVersion: 'plumb.io/v1', objects: Array.isArray(value) ? value : [value], other: value }, null, space);
        expect(parseJsonInPieces(Buffer.from(text))).toStrictEqual(JSON.parse(text));
        // read through a window of a few bytes: every piece, token and space run crosses a refill
        for (const window of [1, 2, 7]) expect(parseJsonInPieces(Buffer.from(text), window)).toStrictEqual(JSON.parse(text));
        const top = JSON.stringify(value, null, space);
        expect(read(top)).toStrictEqual(JSON.parse(top));
      }),
      { numRuns: 300 },
    );
  });

  it('takes escapes, brackets and non-ASCII text inside strings as JSON.parse does', () => {
    const text =
      '{"objects": [{"a": "x]}\\",[{"}, "b\\\\", "ü€😀\\u2028"], "k\\"ey": {"[": "]"}, "__proto__": {"p": 1}, "dup": 1, "dup": [2], "e": [], "n": -1.5e3, "t": true, "z": null}\n';
    const expected = JSON.parse(text);
    const got = parseJsonInPieces(Buffer.from(text)) as Record<string, unknown>;
    expect(got).toStrictEqual(expected);
    expect(Object.keys(got)).toEqual(Object.keys(expected));
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
  });

  it('never accepts what JSON.parse rejects: it fails, and the whole parse says why', () => {
    const bad = [
      '{"a": 1 2}',
      '{"a": [1,,2]}',
      '{"a": [1,]}',
      '{"a": [1 2]}',
      '{"a": 1,}',
      '{"a" 1}',
      '{"a": 1} x',
      '{"a": {"b": 1]}',
      '{"a": [}]}',
      '{"a": "x}',
      '{"a": tru}',
      '{"a": 01}',
      '\uFEFF{"a": 1}',
      '{a: 1}',
      '{"a": [{"b": 1}, {"c": "\\x"}]}',
      '',
      '{',
      '{"a": [',
    ];
    for (const text of bad) {
      expect(whole(text)).toEqual({ error: true });
      for (const window of [undefined, 1, 3]) expect(pieces(text, window), text).toEqual({ error: true });
    }
  });

  it('agrees with JSON.parse on mutated documents: both take them or both refuse them, with equal values', () => {
    const doc = JSON.stringify({ objects: [{ a: 'x', b: [1, { c: null }] }, 'y', 3], m: { k: true } });
    fc.assert(
      fc.property(fc.nat(doc.length - 1), fc.constantFrom('', ',', ']', '}', '[', '{', '"', ' ', '1', ':', '\\'), (at, insert) => {
        const text = doc.slice(0, at) + insert + doc.slice(at + (insert === '' ? 1 : 0));
        for (const window of [undefined, 1, 5]) expect(pieces(text, window)).toStrictEqual(whole(text));
      }),
      { numRuns: 2000 },
    );
  });
});
