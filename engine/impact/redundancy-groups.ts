import type { CIGraph } from '../graph/types.js';

/** A redundancy group: the CIs connected by alternativeTo, in either direction. */
export interface RedundancyGroup {
  readonly members: readonly string[];
}

/**
 * Redundancy groups (connected components over `alternativeTo`), found lazily:
 * only CIs that actually go down ask for theirs, so a simulation costs the
 * degree of what it touches, not a pass over the whole graph. Every member of a
 * component shares one group object.
 */
export class RedundancyGroups {
  private readonly byNode = new Map<string, RedundancyGroup | null>();

  constructor(private readonly graph: CIGraph) {}

  /** The group of `node`, or undefined when it has no alternatives. */
  of(node: string): RedundancyGroup | undefined {
    const known = this.byNode.get(node);
    if (known !== undefined) return known ?? undefined;
    if (!this.graph.someEdge(node, (_e, attrs) => attrs.type === 'alternativeTo')) {
      this.byNode.set(node, null);
      return undefined;
    }
    const members = this.component(node);
    if (members.length < 2) {
      this.byNode.set(node, null); // only alternativeTo itself: no redundancy
      return undefined;
    }
    const group: RedundancyGroup = { members };
    for (const m of members) this.byNode.set(m, group);
    return group;
  }

  private component(start: string): string[] {
    const seen = new Set([start]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      this.graph.forEachEdge(queue[i], (_e, attrs, source, target) => {
        if (attrs.type !== 'alternativeTo') return;
        for (const end of [source, target]) {
          if (!seen.has(end)) {
            seen.add(end);
            queue.push(end);
          }
        }
      });
    }
    return queue.sort();
  }
}
