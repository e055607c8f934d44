import { MultiDirectedGraph } from 'graphology';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { refToId } from '../model/reference.js';
import { isRelationType } from '../model/relations.js';
import { useDictionaryNeighbours } from './dictionary-neighbours.js';
import { inferKubernetesEdges } from './infer-kubernetes.js';
import type { CIGraph, EdgeAttributes, NodeAttributes } from './types.js';

/**
 * Builds the CI graph from everything that can be interpreted: one node per
 * identity (the first definition wins; `validateRepository` reports the
 * duplicate), the declared relations whose type is known and whose target
 * exists, and the edges inferred from Kubernetes objects. What is skipped here is
 * reported by validation, with positions; `diagnostics` carries only what
 * validation cannot see (nothing yet — the field keeps the stage shape).
 *
 * Edges are added without explicit keys and the same typed edge between the
 * same pair is added once, so a relation both declared and inferred counts once
 * (declared wins: `inferred: false`).
 */
export function buildGraph(cis: readonly CI[]): { graph: CIGraph; diagnostics: Diagnostic[] } {
  useDictionaryNeighbours();
  const graph: CIGraph = new MultiDirectedGraph<NodeAttributes, EdgeAttributes>({ allowSelfLoops: true });
  const nodes: CI[] = [];
  for (const ci of cis) {
    if (graph.hasNode(ci.id)) continue;
    graph.addNode(ci.id, { ci });
    nodes.push(ci);
  }
  // Most pairs have no edge yet: hasDirectedEdge is O(1), and only pairs that do are scanned for the type.
  const addEdge = (source: string, target: string, type: EdgeAttributes['type'], inferred: boolean): void => {
    if (graph.hasDirectedEdge(source, target) && graph.directedEdges(source, target).some((e) => graph.getEdgeAttribute(e, 'type') === type)) return;
    graph.addEdge(source, target, { type, inferred });
  };
  for (const ci of nodes) {
    for (const relation of ci.relations) {
      if (!isRelationType(relation.type)) continue;
      const target = relation.targetId || refToId(relation.target, ci.namespace);
      if (target !== undefined && graph.hasNode(target)) addEdge(ci.id, target, relation.type, relation.inferred);
    }
  }
  for (const edge of inferKubernetesEdges(nodes, (id) => graph.hasNode(id))) addEdge(edge.source, edge.target, edge.type, true);
  return { graph, diagnostics: [] };
}
