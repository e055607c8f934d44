import { MultiDirectedGraph } from 'graphology';
import { PlumbError } from '../model/errors.js';
import { refToId } from '../model/reference.js';
import { didYouMean } from '../model/did-you-mean.js';
import type { CIGraph } from './types.js';

/**
 * The subgraph within `depth` hops of the CI a reference names, following
 * edges both ways (what it depends on and what depends on it), with every edge
 * among the CIs kept. Nodes come breadth-first from the focus, edges grouped by
 * source in that order (stable output). `kind:name` means the default namespace, as on the
 * command line. Breadth-first, so cost is the size of the neighbourhood only.
 *
 * @throws PlumbError `graph.unknown-ref` (with a did-you-mean) or `ref.malformed`.
 */
export function focusGraph(graph: CIGraph, ref: string, depth: number): CIGraph {
  const start = resolveRef(graph, ref);
  const distance = new Map<string, number>([[start, 0]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    const d = distance.get(node)!;
    if (d >= depth) continue;
    graph.forEachNeighbor(node, (neighbor) => {
      if (distance.has(neighbor)) return;
      distance.set(neighbor, d + 1);
      queue.push(neighbor);
    });
  }
  const sub: CIGraph = new MultiDirectedGraph({ allowSelfLoops: true });
  for (const node of queue) sub.addNode(node, graph.getNodeAttributes(node));
  for (const node of queue) {
    graph.forEachOutEdge(node, (_edge, attributes, source, target) => {
      if (distance.has(target)) sub.addEdge(source, target, attributes);
    });
  }
  return sub;
}

/** The identity a command-line reference names in the graph. */
export function resolveRef(graph: CIGraph, ref: string): string {
  const id = refToId(ref);
  if (id === undefined) {
    throw new PlumbError('ref.malformed', `"${ref}" is not a reference`, { hint: 'write kind:name or kind:namespace/name, e.g. database:shop/orders-db' });
  }
  if (graph.hasNode(id)) return id;
  const near = didYouMean(id, graph.nodes());
  throw new PlumbError('graph.unknown-ref', `there is no ${id} in the inventory`, {
    hint: near ? `did you mean ${near}?` : 'run `plumb graph` without --focus to list every CI',
    data: { ref, id },
  });
}
