import { MultiDirectedGraph } from 'graphology';
import type { CIGraph } from '../../../engine/graph/types.js';
import type { CI } from '../../../engine/model/ci.js';
import type { RelationType } from '../../../engine/model/relations.js';

/** A CI as the loader would produce it, from its identity and an optional spec and relations. */
export function ci(id: string, spec: Record<string, unknown> = {}, relations: [RelationType, string][] = [], file = 'inventory/cis.yaml', line = 1): CI {
  const [kindLower, rest] = id.split(':');
  const [namespace, name] = rest.split('/');
  const kind = kindLower[0].toUpperCase() + kindLower.slice(1);
  const rels = relations.map(([type, target]) => ({ type, target, targetId: target, inferred: false, pointer: '/relations/0' }));
  return {
    id,
    apiVersion: 'plumb.io/v1',
    kind,
    name,
    namespace,
    labels: {},
    annotations: {},
    relations: rels,
    kubernetes: false,
    object: {
      apiVersion: 'plumb.io/v1',
      kind,
      metadata: { name, namespace },
      spec,
      ...(rels.length ? { relations: relations.map(([type, target]) => ({ type, target })) } : {}),
    },
    origin: { file, doc: 0, line, column: 1 },
  };
}

/** A graph of the given CIs with their declared relations as edges (targets must be among them). */
export function graphOf(cis: readonly CI[]): CIGraph {
  const g: CIGraph = new MultiDirectedGraph();
  for (const c of cis) g.addNode(c.id, { ci: c });
  for (const c of cis) for (const r of c.relations) g.addEdge(c.id, r.targetId, { type: r.type as RelationType, inferred: false });
  return g;
}
