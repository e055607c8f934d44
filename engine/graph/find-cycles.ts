import { RELATION_TYPES } from '../model/relations.js';
import { edgeTableOf, RELATION_CODE } from './edge-table.js';
import { cyclicComponents } from './strongly-connected.js';
import type { CIGraph } from './types.js';

export interface Cycle {
  readonly type: string;
  /** Identities in order, starting at the CI that comes first in the inventory; the last points back to the first. */
  readonly ids: readonly string[];
}

/**
 * One cycle per strongly connected component of each relation type that may
 * not form cycles (all but connectsTo and alternativeTo). A component can hold
 * many elementary cycles; naming the shortest one through its first CI is
 * enough to act on, and re-running after the fix reveals the next. Linear in
 * nodes + edges per type; the edges come from the graph's edge table
 * (edge-table.ts), not from graphology's iterators.
 */
export function findCycles(graph: CIGraph): Cycle[] {
  const checked = new Set(RELATION_TYPES.filter((r) => !r.cyclesAllowed).map((r) => RELATION_CODE.get(r.type)!));
  const { ids: order, source, target, type: code } = edgeTableOf(graph);

  const byType = new Map<number, number[]>(); // flat pairs source, target
  for (let e = 0; e < code.length; e++) {
    if (!checked.has(code[e])) continue;
    let pairs = byType.get(code[e]);
    if (!pairs) byType.set(code[e], (pairs = []));
    pairs.push(source[e], target[e]);
  }

  const cycles: Cycle[] = [];
  for (const [type, pairs] of [...byType].map(([c, p]) => [RELATION_TYPES[c].type, p] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { offsets, targets } = compress(order.length, pairs);
    for (const component of cyclicComponents(order.length, offsets, targets)) {
      const path = shortestCycle(component, offsets, targets);
      cycles.push({ type, ids: path.map((i) => order[i]) });
    }
  }
  return cycles;
}

function compress(nodeCount: number, pairs: number[]): { offsets: Int32Array; targets: Int32Array } {
  const offsets = new Int32Array(nodeCount + 1);
  for (let i = 0; i < pairs.length; i += 2) offsets[pairs[i] + 1]++;
  for (let v = 0; v < nodeCount; v++) offsets[v + 1] += offsets[v];
  const fill = offsets.slice(0, nodeCount);
  const targets = new Int32Array(pairs.length / 2);
  for (let i = 0; i < pairs.length; i += 2) targets[fill[pairs[i]]++] = pairs[i + 1];
  return { offsets, targets };
}

/** Breadth-first from the component's first node back to itself, inside the component. */
function shortestCycle(component: number[], offsets: Int32Array, targets: Int32Array): number[] {
  const members = new Set(component);
  const start = component.reduce((a, b) => (b < a ? b : a));
  const parent = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (let e = offsets[v]; e < offsets[v + 1]; e++) {
      const w = targets[e];
      if (w === start) {
        const path = [v];
        while (path[path.length - 1] !== start) path.push(parent.get(path[path.length - 1])!);
        return path.reverse();
      }
      if (members.has(w) && !parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start]; // unreachable: a cyclic component always leads back to its start
}
