/**
 * Strings packed into one: string `i` is `text.slice(start[i], start[i + 1])`.
 * A revision index (revision-index.ts) keeps its identities, paths and blob
 * ids so: at 100k CIs they were 120k strings, read back one by one on every
 * review (v8.deserialize allocating each, the garbage collector copying them
 * while they lived) — 30 of the index read's 35 ms. One string reads back as
 * one copy; a review slices out the few thousand it looks at.
 */
export interface PackedStrings {
  readonly text: string;
  /** `count + 1` offsets into `text`, ascending. */
  readonly start: Int32Array;
}

/** `values` packed into one string ({@link PackedStrings}). */
export function packStrings(values: readonly string[]): PackedStrings {
  const start = new Int32Array(values.length + 1);
  for (let i = 0; i < values.length; i++) start[i + 1] = start[i] + values[i].length;
  return { text: values.join(''), start };
}

/** How many strings `packed` holds. */
export function packedCount(packed: PackedStrings): number {
  return packed.start.length - 1;
}

/** String `i` of `packed` (0 ≤ i < packedCount). */
export function packedAt(packed: PackedStrings, i: number): string {
  return packed.text.slice(packed.start[i], packed.start[i + 1]);
}

/** Every string of `packed`, in order. */
export function unpackStrings(packed: PackedStrings): string[] {
  return Array.from({ length: packedCount(packed) }, (_, i) => packedAt(packed, i));
}

/** The position of `value` in `sorted` (ascending by code unit), or `-(insertion point) - 1` when it is not there. */
export function searchPacked(sorted: PackedStrings, value: string): number {
  let lo = 0;
  let hi = packedCount(sorted) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = packedAt(sorted, mid);
    if (at === value) return mid;
    if (at < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A revision's files (path → blob id), sorted by path, answered from a
 * revision index's packed paths and blob ids with a pull request's changes
 * over them (`changes`: path → the blob it has now, undefined when removed):
 * the index's side of a review (no change) and the head (the change applied)
 * without a map of every path — building two of 10k entries, and comparing
 * them whole for the changed files, was ~15 ms of a review at 100k CIs.
 * Lookups are binary searches; {@link under} lists a folder by binary search;
 * iterating the whole map builds it once.
 */
export class RevisionFiles implements ReadonlyMap<string, string> {
  /** Paths the changes add (not in the index), sorted. */
  private readonly adds: string[];
  private whole?: Map<string, string>;
  private count?: number;

  constructor(
    private readonly paths: PackedStrings,
    private readonly blobs: PackedStrings,
    private readonly changes: ReadonlyMap<string, string | undefined> = new Map(),
  ) {
    this.adds = [...changes].filter(([path, blob]) => blob !== undefined && searchPacked(paths, path) < 0).map(([path]) => path);
    this.adds.sort(byCodeUnit);
  }

  get(path: string): string | undefined {
    if (this.changes.has(path)) return this.changes.get(path);
    const k = searchPacked(this.paths, path);
    return k < 0 ? undefined : packedAt(this.blobs, k);
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  get size(): number {
    if (this.count === undefined) {
      let removed = 0;
      for (const [path, blob] of this.changes) if (blob === undefined && searchPacked(this.paths, path) >= 0) removed++;
      this.count = packedCount(this.paths) - removed + this.adds.length;
    }
    return this.count;
  }

  /** The paths from the first one not below `from`, in order (the index's and the added ones merged; removed ones left out). */
  *pathsFrom(from: string): Generator<string> {
    const found = searchPacked(this.paths, from);
    let i = found < 0 ? -found - 1 : found;
    let lo = 0;
    let hi = this.adds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.adds[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    let k = lo;
    const n = packedCount(this.paths);
    while (i < n || k < this.adds.length) {
      const indexed = i < n ? packedAt(this.paths, i) : undefined;
      if (indexed === undefined || (k < this.adds.length && this.adds[k] < indexed)) {
        yield this.adds[k++];
        continue;
      }
      i++;
      if (!this.changes.has(indexed) || this.changes.get(indexed) !== undefined) yield indexed;
    }
  }

  /** `base` itself if it is a file, then the paths under `base/`, in order. */
  *under(base: string): Generator<string> {
    if (this.has(base)) yield base;
    const prefix = `${base}/`;
    for (const path of this.pathsFrom(prefix)) {
      if (!path.startsWith(prefix)) return;
      yield path;
    }
  }

  private all(): Map<string, string> {
    if (!this.whole) {
      this.whole = new Map();
      for (const path of this.pathsFrom('')) this.whole.set(path, this.get(path)!);
    }
    return this.whole;
  }

  forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.all()) fn.call(thisArg, v, k, this);
  }
  entries(): MapIterator<[string, string]> {
    return this.all().entries();
  }
  keys(): MapIterator<string> {
    return this.all().keys();
  }
  values(): MapIterator<string> {
    return this.all().values();
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.all()[Symbol.iterator]();
  }
}
