/** Offers CI `receiver` the state number `state` (0 down, 1 degraded, 2 at-risk; -1: nothing travels). */
export type Emit = (receiver: number, state: number) => void;

/** Where each CI was settled, by CI number. */
export interface Settled {
  /** State number, or -1 for a CI the impact does not reach. */
  readonly state: Int8Array;
  readonly depth: Int32Array;
  /** The CI it was reached from; -1 for a source. */
  readonly parent: Int32Array;
  /** The settled CIs in the order they were settled: by state, then depth. */
  readonly order: readonly number[];
}

const LEVELS = 3;

/**
 * The per-CI arrays of one search, sized for a graph of `size` CIs, reused by
 * search after search: a plan simulates every change alone, and allocating and
 * filling four arrays of the whole graph per change made 1,000 changes at 100k
 * CIs cost 1.3 GB of allocation for a few hundred reached CIs each.
 * {@link SearchScratch.reset} puts back only what a search touched (its
 * settled CIs), so a search costs what it reaches.
 */
export class SearchScratch {
  readonly state: Int8Array;
  readonly depth: Int32Array;
  readonly parent: Int32Array;
  readonly stamp: Int32Array;

  constructor(readonly size: number) {
    this.state = new Int8Array(size).fill(-1);
    this.depth = new Int32Array(size);
    this.parent = new Int32Array(size).fill(-1);
    this.stamp = new Int32Array(size).fill(-1);
  }

  /** Clears what the search that settled `order` wrote; the arrays are as new again. */
  reset(order: readonly number[]): void {
    for (const node of order) {
      this.state[node] = -1;
      this.depth[node] = 0;
      this.parent[node] = -1;
      this.stamp[node] = -1;
    }
  }
}

/**
 * Breadth-first search by state level: every `down` CI is settled first, then
 * every `degraded` one, then `at-risk`, so a CI's depth and path are the
 * shortest for its *worst* state. Within a level, candidates wait in buckets by
 * depth (a unit-weight Dijkstra: seeds handed down from a worse level arrive at
 * different depths). `expand(node, state, emit)` offers the node's receivers
 * their states; an offer for a less severe level waits for that level, an offer
 * to an already settled CI is dropped. Among equally short explanations the
 * parent that `before` orders first wins, so the result does not depend on the
 * order edges were added in. Linear in the edges of the settled CIs.
 *
 * With `scratch` (cleared, of `size`), the result's arrays are the scratch's:
 * read them, then `scratch.reset(result.order)` before the next search.
 * Without, they are allocated for this search.
 */
export function searchByLevel(
  size: number,
  sources: readonly number[],
  expand: (node: number, state: number, emit: Emit) => void,
  before: (a: number, b: number) => boolean,
  scratch: SearchScratch = new SearchScratch(size),
): Settled {
  const { state, depth: depthOf, parent: parentOf, stamp } = scratch;
  const order: number[] = [];
  /** Per later level, flat triples: receiver, depth, parent. */
  const waiting: number[][] = [[], [], []];
  // stamp marks a node as a candidate of the current bucket (bucket serial numbers)
  let serial = 0;

  for (let level = 0; level < LEVELS; level++) {
    /** buckets[d]: flat pairs node, parent. */
    const buckets: number[][] = [];
    const offer = (node: number, depth: number, parent: number): void => {
      (buckets[depth] ??= []).push(node, parent);
    };
    if (level === 0) for (const s of sources) offer(s, 0, -1);
    const seeds = waiting[level];
    for (let i = 0; i < seeds.length; i += 3) offer(seeds[i], seeds[i + 1], seeds[i + 2]);

    for (let depth = 0; depth < buckets.length; depth++) {
      const bucket = buckets[depth];
      if (!bucket) continue;
      const mark = serial++;
      const settledHere: number[] = [];
      for (let i = 0; i < bucket.length; i += 2) {
        const node = bucket[i];
        const parent = bucket[i + 1];
        if (state[node] !== -1 && stamp[node] !== mark) continue;
        if (stamp[node] !== mark) {
          stamp[node] = mark;
          state[node] = level;
          depthOf[node] = depth;
          parentOf[node] = parent;
          settledHere.push(node);
        } else if (parent !== -1 && parentOf[node] !== -1 && before(parent, parentOf[node])) {
          parentOf[node] = parent;
        }
      }
      const emit: Emit = (receiver, reaches) => {
        if (reaches < level || state[receiver] !== -1) return;
        if (reaches === level) offer(receiver, depth + 1, current);
        else waiting[reaches].push(receiver, depth + 1, current);
      };
      let current = -1;
      for (const node of settledHere) {
        order.push(node);
        current = node;
        expand(node, level, emit);
      }
    }
  }
  return { state, depth: depthOf, parent: parentOf, order };
}
