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
 * Breadth-first search by state level: every `down` CI is settled first, then
 * every `degraded` one, then `at-risk`, so a CI's depth and path are the
 * shortest for its *worst* state. Within a level, candidates wait in buckets by
 * depth (a unit-weight Dijkstra: seeds handed down from a worse level arrive at
 * different depths). `expand(node, state, emit)` offers the node's receivers
 * their states; an offer for a less severe level waits for that level, an offer
 * to an already settled CI is dropped. Among equally short explanations the
 * parent that `before` orders first wins, so the result does not depend on the
 * order edges were added in. Linear in the edges of the settled CIs.
 */
export function searchByLevel(
  size: number,
  sources: readonly number[],
  expand: (node: number, state: number, emit: Emit) => void,
  before: (a: number, b: number) => boolean,
): Settled {
  const state = new Int8Array(size).fill(-1);
  const depthOf = new Int32Array(size);
  const parentOf = new Int32Array(size).fill(-1);
  const order: number[] = [];
  /** Per later level, flat triples: receiver, depth, parent. */
  const waiting: number[][] = [[], [], []];
  /** Marks a node as a candidate of the current bucket (bucket serial numbers). */
  const stamp = new Int32Array(size).fill(-1);
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
