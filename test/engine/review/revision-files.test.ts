import { describe, expect, it } from 'vitest';
import { listTreeUnder, type TreeEntry } from '../../../engine/load/list-tree.js';
import { TreeView } from '../../../engine/review/indexed-review.js';
import { packedAt, packedCount, packStrings, RevisionFiles, searchPacked, unpackStrings } from '../../../engine/review/revision-files.js';
import { rng } from '../../bench/generate.js';

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Paths whose code-unit order differs from a locale's ('-', '.', '/' and upper case sort among them), nested, some named like a folder. */
function randomPaths(random: () => number, n: number): string[] {
  const parts = ['inventory', 'schemas', 'schemas-old', 'schemas.d', 'a', 'B', 'é', 'z/y', 'policies', 'inventory/x'];
  const out = new Set<string>();
  while (out.size < n) {
    const depth = 1 + Math.floor(random() * 3);
    const path = Array.from({ length: depth }, () => parts[Math.floor(random() * parts.length)]).join('/');
    out.add(random() < 0.7 ? `${path}/f${Math.floor(random() * 50)}.yaml` : path);
  }
  return [...out].sort(byCodeUnit);
}

describe('packed strings', () => {
  it('give back each string, empty and non-ASCII ones included, and find a sorted one by binary search', () => {
    const values = ['', 'a', 'é', '日本', 'a\ud800b', '', 'zz'];
    const packed = packStrings(values);
    expect(packedCount(packed)).toBe(values.length);
    expect(unpackStrings(packed)).toEqual(values);
    const sorted = packStrings(['a', 'b/c', 'b-c', 'bc'].sort(byCodeUnit));
    for (let i = 0; i < packedCount(sorted); i++) expect(searchPacked(sorted, packedAt(sorted, i))).toBe(i);
    expect(searchPacked(sorted, 'b')).toBe(-2); // would go at 1
    expect(searchPacked(sorted, '')).toBe(-1);
    expect(searchPacked(sorted, 'zz')).toBe(-5);
  });
});

describe('RevisionFiles (a revision index’s files with a pull request’s changes) answers as the map of every path does', () => {
  for (let seed = 1; seed <= 30; seed++) {
    it(`random revision ${seed}`, () => {
      const random = rng(seed);
      const base = randomPaths(random, 5 + Math.floor(random() * 60));
      const blobs = base.map((_, i) => `${seed}-${i}`.padStart(40, '0'));
      // changes: some paths removed, some given a new blob, some added (new paths, between and after the others)
      const changes = new Map<string, string | undefined>();
      for (const p of base) {
        const r = random();
        if (r < 0.15) changes.set(p, undefined);
        else if (r < 0.3) changes.set(p, `new-${p}`);
      }
      for (const p of randomPaths(random, 10)) if (!base.includes(p)) changes.set(p, random() < 0.8 ? `added-${p}` : undefined);
      const expected = new Map<string, string>();
      const whole = new Map(base.map((p, i) => [p, blobs[i]]));
      for (const [p, b] of changes) {
        if (b === undefined) whole.delete(p);
        else whole.set(p, b);
      }
      for (const p of [...whole.keys()].sort(byCodeUnit)) expected.set(p, whole.get(p)!);

      const files = new RevisionFiles(packStrings(base), packStrings(blobs), changes);
      expect(files.size).toBe(expected.size);
      expect([...files]).toEqual([...expected]);
      expect([...files.keys()]).toEqual([...expected.keys()]);
      for (const p of [...base, ...changes.keys(), 'missing', '']) {
        expect(files.get(p), p).toBe(expected.get(p));
        expect(files.has(p), p).toBe(expected.has(p));
      }
      for (const from of ['', 'inventory', 'inventory/', 'schemas', 'schemas/', 'é', 'zzz']) {
        expect([...files.pathsFrom(from)], from).toEqual([...expected.keys()].filter((p) => p >= from));
      }
      // a folder listed by binary search, as a walk of every path lists it
      const view = new TreeView(files);
      const walked: ReadonlyMap<string, TreeEntry> = new Map([...expected].map(([p, oid]) => [p, { oid, symlink: false }]));
      for (const bases of [['schemas'], ['inventory', 'schemas/a'], ['inventory/x'], ['a'], ['missing'], ['z']]) {
        expect(listTreeUnder(view, bases), bases.join(',')).toEqual(listTreeUnder(walked, bases));
      }
      // the index's side alone (no change)
      const unchanged = new RevisionFiles(packStrings(base), packStrings(blobs));
      expect([...unchanged]).toEqual(base.map((p, i) => [p, blobs[i]]));
      expect(unchanged.size).toBe(base.length);
    });
  }
});
