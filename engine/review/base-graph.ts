import type { CIGraph } from '../graph/types.js';
import type { CI } from '../model/ci.js';
import { isRelationType } from '../model/relations.js';

/**
 * The graph a review simulates deletes on, without validating the whole base
 * revision again: the head graph, plus the CIs the pull request removes, with
 * the relations the base declared from and to them (a removed CI's own
 * relations, and those of base CIs in the changed files that pointed at it).
 * Every other CI is identical on both sides, so this is the base graph as far
 * as the deleted CIs can tell — except for edges Kubernetes inference drew
 * from unchanged objects to a removed one (a Service in an untouched file
 * selecting a removed Deployment), which are not redrawn here.
 *
 * Copies the head graph only when something is deleted (one linear copy).
 */
export function baseGraphFor(headGraph: CIGraph, baseChanged: readonly CI[], deleted: ReadonlySet<string>): CIGraph {
  if (deleted.size === 0) return headGraph;
  const graph = headGraph.copy() as CIGraph;
  for (const ci of baseChanged) if (deleted.has(ci.id) && !graph.hasNode(ci.id)) graph.addNode(ci.id, { ci });
  for (const ci of baseChanged) {
    for (const r of ci.relations) {
      if (!isRelationType(r.type) || !graph.hasNode(ci.id) || !graph.hasNode(r.targetId)) continue;
      if (!deleted.has(ci.id) && !deleted.has(r.targetId)) continue;
      graph.addEdge(ci.id, r.targetId, { type: r.type, inferred: r.inferred });
    }
  }
  return graph;
}
