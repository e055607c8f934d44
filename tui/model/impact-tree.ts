import { orderingOf, type CIGraph, type ImpactState } from '../../engine/index.js';

export type Direction = 'dependents' | 'dependencies';

export interface TreeRow {
  /** Unique per position in the tree: the path of identities from the root. */
  readonly key: string;
  readonly depth: number;
  readonly label: string;
  /** CI identity (absent on the two section headers). */
  readonly id?: string;
  /** Relation type that links it to its parent, as written. */
  readonly relation?: string;
  readonly direction: Direction;
  readonly expandable: boolean;
  readonly expanded: boolean;
  /** Already shown above on this branch (a connectsTo cycle): not expanded again. */
  readonly cycle: boolean;
  readonly state?: ImpactState;
  readonly wouldBe?: ImpactState;
}

export interface TreeStates {
  readonly get: (id: string) => { state: ImpactState; wouldBe?: ImpactState } | undefined;
}

/**
 * The impact explorer's rows: the CI's dependents (who is hit if it fails: the
 * other end of every relation along which a failure travels from it) and its
 * dependencies (what it needs first), each a tree expanded only where the
 * operator opened it — rows are built for expanded nodes only, so a hub with
 * thousands of dependents costs one level until opened.
 */
export function impactTree(graph: CIGraph, root: string, expanded: ReadonlySet<string>, states: TreeStates): TreeRow[] {
  const rows: TreeRow[] = [];
  for (const direction of ['dependents', 'dependencies'] as const) {
    const key = `${direction}`;
    const open = !expanded.has(`!${key}`);
    const children = graph.hasNode(root) ? neighbours(graph, root, direction) : [];
    rows.push({ key, depth: 0, label: `${direction} (${children.length})`, direction, expandable: children.length > 0, expanded: open, cycle: false });
    if (open) walk(children, 1, key, new Set([root]), direction);
  }
  return rows;

  function walk(children: readonly Link[], depth: number, parentKey: string, onPath: Set<string>, direction: Direction): void {
    for (const { id, relation } of children) {
      const key = `${parentKey}>${id}`;
      const cycle = onPath.has(id);
      const next = cycle ? [] : neighbours(graph, id, direction);
      const open = expanded.has(key) && !cycle;
      const s = states.get(id);
      rows.push({
        key,
        depth,
        label: id,
        id,
        relation,
        direction,
        expandable: next.length > 0,
        expanded: open,
        cycle,
        ...(s ? { state: s.state, ...(s.wouldBe ? { wouldBe: s.wouldBe } : {}) } : {}),
      });
      if (open) {
        onPath.add(id);
        walk(next, depth + 1, key, onPath, direction);
        onPath.delete(id);
      }
    }
  }
}

interface Link {
  readonly id: string;
  readonly relation: string;
}

/** Neighbours one hop away in a direction, by identity, each once (its first relation type). */
function neighbours(graph: CIGraph, id: string, direction: Direction): Link[] {
  const out = new Map<string, string>();
  const add = (other: string, type: string) => {
    if (other !== id && !out.has(other)) out.set(other, type);
  };
  // dependencies = prerequisites (ordering.ts); dependents = the reverse
  const want = direction === 'dependencies' ? ['target-first', 'source-first'] : ['source-first', 'target-first'];
  graph.forEachOutEdge(id, (_e, a, _s, t) => {
    if (orderingOf(a.type) === want[0]) add(t, a.type);
    else if (a.type === 'connectsTo' && direction === 'dependents') add(t, a.type);
  });
  graph.forEachInEdge(id, (_e, a, s) => {
    if (orderingOf(a.type) === want[1]) add(s, a.type);
    else if (a.type === 'connectsTo' && direction === 'dependents') add(s, a.type);
  });
  return [...out].map(([other, relation]) => ({ id: other, relation })).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
