import type { CIGraph } from '../graph/types.js';

/** `plumb graph -o json` (schemas/graph-output.schema.json). */
export interface GraphJson {
  readonly nodes: ReadonlyArray<{ id: string; kind: string; namespace: string; name: string }>;
  readonly edges: ReadonlyArray<{ source: string; target: string; type: string; inferred: boolean }>;
}

/**
 * The graph as stable JSON: nodes in inventory order, edges in insertion order
 * (declared relations first, then inferred ones). `inferred` is always present,
 * so consumers never have to tell "false" from "absent".
 */
export function graphToJson(graph: CIGraph): GraphJson {
  return {
    nodes: graph.mapNodes((id, { ci }) => ({ id, kind: ci.kind, namespace: ci.namespace, name: ci.name })),
    edges: graph.mapEdges((_edge, { type, inferred }, source, target) => ({ source, target, type, inferred })),
  };
}
