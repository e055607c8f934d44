import { MultiDirectedGraph } from 'graphology';
import type { CIGraph } from '../graph/types.js';
import { toCI } from '../load/to-ci.js';
import type { CI } from '../model/ci.js';
import { isRelationType } from '../model/relations.js';
import type { ObservedObject } from '../providers/contract.js';

/**
 * An observed object read as a CI — what a plan knows of a CI that left Git
 * (a delete of something plumb created): policies see it as `object` ("for a
 * delete, the CI as it was"), and its declared relations order the deletes.
 * It has no place in the repository, so its origin file is empty.
 */
export function observedCi(observed: ObservedObject): CI | undefined {
  const { ci } = toCI(
    { origin: { file: '', doc: 0, line: 1, column: 1 }, value: observed.object },
    { clusterScopedCustomKinds: new Set(), locate: () => ({ line: 1, column: 1 }) },
  );
  return ci && ci.id === observed.id ? ci : ci && { ...ci, id: observed.id };
}

/**
 * A small graph of the CIs being deleted and the relations among them, for
 * the order of their deletes when they are no longer in the desired graph.
 * Its size is the number of deletes, never the inventory's.
 */
export function graphOfDeleted(cis: readonly CI[]): CIGraph {
  const graph: CIGraph = new MultiDirectedGraph();
  for (const ci of cis) graph.mergeNode(ci.id, { ci });
  for (const ci of cis) {
    for (const r of ci.relations) {
      if (graph.hasNode(r.targetId) && isRelationType(r.type)) graph.addEdge(ci.id, r.targetId, { type: r.type, inferred: r.inferred });
    }
  }
  return graph;
}
