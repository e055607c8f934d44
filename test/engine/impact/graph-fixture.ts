/**
 * Small CI graphs for impact tests, built directly with graphology so these
 * tests depend on neither the loader nor validation. Edges are written as
 * `'app:x/api dependsOn database:x/db'` — the way relations are written, A → B.
 * Every identity named in an edge becomes a CI; its kind is the identity's kind
 * with a capital first letter (`businessservice` becomes `BusinessService`),
 * unless `cis` says otherwise, and `cis` may add a spec.
 */
import { MultiDirectedGraph } from 'graphology';
import type { CI } from '../../../engine/model/ci.js';
import type { CIGraph, EdgeAttributes, NodeAttributes } from '../../../engine/graph/types.js';
import type { RelationType } from '../../../engine/model/relations.js';
import { splitId } from '../../../engine/model/reference.js';

export interface FixtureCI {
  kind?: string;
  spec?: Record<string, unknown>;
}

const KNOWN_KINDS: Record<string, string> = { businessservice: 'BusinessService', backuppolicy: 'BackupPolicy' };

export function fixtureCI(id: string, extra: FixtureCI = {}): CI {
  const { kind: k, namespace, name } = splitId(id);
  const kind = extra.kind ?? KNOWN_KINDS[k] ?? k[0].toUpperCase() + k.slice(1);
  const object: Record<string, unknown> = { apiVersion: 'plumb.io/v1', kind, metadata: { name, namespace } };
  if (extra.spec) object.spec = extra.spec;
  return {
    id,
    apiVersion: 'plumb.io/v1',
    kind,
    name,
    namespace,
    labels: {},
    annotations: {},
    relations: [],
    kubernetes: false,
    object,
    origin: { file: `inventory/${name}.yaml`, doc: 0, line: 1, column: 1 },
  };
}

/** A graph from edge lines `source type target`, plus lone or specced CIs in `cis`. */
export function graphOf(edges: readonly string[], cis: Record<string, FixtureCI> = {}): CIGraph {
  const graph: CIGraph = new MultiDirectedGraph<NodeAttributes, EdgeAttributes>();
  const ensure = (id: string): void => {
    if (!graph.hasNode(id)) graph.addNode(id, { ci: fixtureCI(id, cis[id]) });
  };
  for (const id of Object.keys(cis)) ensure(id);
  for (const line of edges) {
    const [source, type, target, ...rest] = line.trim().split(/\s+/);
    if (!source || !type || !target || rest.length > 0) throw new Error(`bad fixture edge: ${line}`);
    ensure(source);
    ensure(target);
    graph.addEdge(source, target, { type: type as RelationType, inferred: false });
  }
  return graph;
}

/** `n0 ← n1 ← … ← n{length}`: `chain:x/n{i+1} dependsOn chain:x/n{i}`. */
export function chainEdges(length: number): string[] {
  return Array.from({ length }, (_, i) => `chain:x/n${i + 1} dependsOn chain:x/n${i}`);
}
