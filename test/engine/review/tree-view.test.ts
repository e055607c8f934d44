import { describe, expect, it } from 'vitest';
import { listTreeUnder, type TreeEntry } from '../../../engine/load/list-tree.js';
import { TreeView } from '../../../engine/review/indexed-review.js';

// paths that sort between 'schemas' and 'schemas/' ('-' and '.' sort before '/'), a file named like the folder, nesting
const PATHS = [
  'inventory/a.yaml',
  'inventory/b/c.yaml',
  'schemas',
  'schemas-old/Kind.schema.json',
  'schemas.d/Kind.schema.json',
  'schemas/App.schema.json',
  'schemas/nested/Deep.schema.json',
  'schemas0/x.json',
  'schemasz',
  'plumb.yaml',
];

describe('TreeView (an indexed review revision) lists a folder by binary search as a walk of every path does', () => {
  for (const order of ['sorted', 'unsorted'] as const) {
    it(`${order} paths`, () => {
      const paths = order === 'sorted' ? [...PATHS].sort() : PATHS;
      const blobs = new Map(paths.map((p, i) => [p, `${i}`.padStart(40, '0')]));
      const walked: ReadonlyMap<string, TreeEntry> = new Map(paths.map((p) => [p, { oid: blobs.get(p)!, symlink: false }]));
      const view = new TreeView(blobs);
      for (const bases of [['schemas'], ['schemas/'], ['inventory', 'schemas/nested'], ['schemas/nested'], [''], ['missing'], ['inventory/b']]) {
        expect(listTreeUnder(view, bases), bases.join(',')).toEqual(listTreeUnder(walked, bases));
      }
      expect(listTreeUnder(view, ['schemas']).files.map((f) => f.path)).toEqual(['schemas', 'schemas/App.schema.json', 'schemas/nested/Deep.schema.json']);
    });
  }
});
