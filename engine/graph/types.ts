import type { MultiDirectedGraph } from 'graphology';
import type { CI } from '../model/ci.js';
import type { RelationType } from '../model/relations.js';

/**
 * The CI graph: a graphology multi-digraph. Node key = CI identity; edges point
 * the way the relation is written (source = the CI that declares it, target =
 * the CI it names), so `dependsOn` A → B means A depends on B. Inferred
 * Kubernetes edges are written the same way (Service -dependsOn-> Deployment,
 * Ingress -dependsOn-> Service, Deployment -dependsOn-> ConfigMap …).
 */
export interface NodeAttributes {
  readonly ci: CI;
  /**
   * Members of this CI (distinct CIs with a partOf or memberOf edge into it)
   * the graph leaves out, counted toward its `spec.minUp` all the same
   * (engine/impact/impact-index.ts). Only a partial graph sets it: the indexed
   * review's region (engine/review/indexed-review.ts) holds a group without
   * the members no change can reach.
   */
  readonly members?: number;
}

export interface EdgeAttributes {
  readonly type: RelationType;
  readonly inferred: boolean;
}

export type CIGraph = MultiDirectedGraph<NodeAttributes, EdgeAttributes>;
