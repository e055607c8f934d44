import { createHash } from 'node:crypto';
import { MultiDirectedGraph } from 'graphology';
import { useDictionaryNeighbours } from './dictionary-neighbours.js';
import type { LoadedRepository } from '../load/types.js';
import type { CI } from '../model/ci.js';
import { canonicalJson } from '../model/canonical-json.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { RELATION_TYPES } from '../model/relations.js';
import { deferEdges } from './deferred-edges.js';
import { edgeTableOf } from './edge-table.js';
import type { CIGraph, EdgeAttributes, NodeAttributes } from './types.js';

/** Namespace of graph indexes in the content cache. */
export const GRAPH_INDEX_NAMESPACE = 'graph';

/** The checks across CIs that validation runs over the whole repository, in validate.ts's order. */
export interface GraphWideDiagnostics {
  readonly duplicates: readonly Diagnostic[];
  readonly references: readonly Diagnostic[];
  /** The graph's own diagnostics and the cycle check's. */
  readonly cycles: readonly Diagnostic[];
}

/**
 * What building the graph and the checks across CIs found for one version of
 * a work tree or revision, kept in the content cache so that a repository
 * nothing changed in gets its graph without resolving a reference, inferring a
 * Kubernetes edge or looking for a cycle: the edges as numbers, in the order
 * {@link buildGraph} added them (nodes are the CIs' first-defined identities in
 * load order), and the diagnostics of the duplicate, reference and cycle checks.
 * It holds no document and no value of one: identities, relation types and
 * diagnostics that quote identities and references.
 */
export interface GraphIndex {
  readonly version: 1;
  /** Number of nodes (distinct identities): a check that the index fits the CIs it is applied to. */
  readonly nodes: number;
  readonly source: Int32Array;
  readonly target: Int32Array;
  /** Index into RELATION_TYPES. */
  readonly type: Uint8Array;
  /** 1 for an inferred edge. */
  readonly inferred: Uint8Array;
  readonly diagnostics: GraphWideDiagnostics;
}

/**
 * The content key of a repository's graph index, or undefined when it can have
 * none. What the graph and the checks across CIs read is the CIs — each one's
 * document, identity and file — so the key holds, per CI in load order, its
 * file's blob id (a content hash for work-tree files), its path and its
 * identity; the kind schemas and the inventory's CRDs (`context`: a CI's
 * namespace, so its references, depends on which kinds are cluster-scoped);
 * and plumb.yaml as loaded (defensive: what it changes — globs, load limits,
 * the schema directory — already changes the files, identities or context). CIs whose document is not their blob's — rendered
 * objects, SOPS-decrypted values, a file without a blob id — leave the
 * repository without an index (built afresh every time, as before).
 */
export function graphIndexKey(repo: Pick<LoadedRepository, 'cis' | 'files' | 'config'>, context: string): string | undefined {
  const hash = createHash('sha256');
  hash.update(`graph-index 1\0${context}\0${canonicalJson(repo.config)}\n`);
  let file: string | undefined;
  let line = '';
  for (const ci of repo.cis) {
    if (ci.origin.render || ci.secretPointers?.length) return undefined;
    if (ci.origin.file !== file) {
      file = ci.origin.file;
      const blob = repo.files.get(file);
      if (blob === undefined) return undefined;
      hash.update(line);
      line = `\n${blob}\0${file}`;
    }
    line += `\0${ci.id}`;
  }
  hash.update(line);
  return hash.digest('hex');
}

/**
 * The graph an index describes, for these CIs (the ones its key was made of),
 * with its edge table recorded (edge-table.ts) and its edges added to
 * graphology on first use (deferred-edges.ts); undefined when the index does
 * not fit them (another version, another node count, an edge out of range).
 */
export function graphFromIndex(cis: readonly CI[], index: GraphIndex): CIGraph | undefined {
  if (index?.version !== 1) return undefined;
  useDictionaryNeighbours();
  const graph: CIGraph = new MultiDirectedGraph<NodeAttributes, EdgeAttributes>({ allowSelfLoops: true });
  const ids: string[] = [];
  for (const ci of cis) {
    if (graph.hasNode(ci.id)) continue;
    graph.addNode(ci.id, { ci });
    ids.push(ci.id);
  }
  const { source, target, type, inferred } = index;
  if (ids.length !== index.nodes || target.length !== source.length || type.length !== source.length || inferred.length !== source.length) return undefined;
  for (let e = 0; e < source.length; e++) {
    if (RELATION_TYPES[type[e]] === undefined || !(source[e] >= 0 && source[e] < ids.length && target[e] >= 0 && target[e] < ids.length)) return undefined;
  }
  const numberOf = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) numberOf.set(ids[i], i);
  // added to graphology only when something asks it about edges (deferred-edges.ts); a plan reads the numbers
  deferEdges(graph, { ids, numberOf, source, target, type, inferred });
  return graph;
}

/** The index of a graph {@link buildGraph} built, with the checks' diagnostics. */
export function graphIndexOf(graph: CIGraph, diagnostics: GraphWideDiagnostics): GraphIndex {
  const { ids, source, target, type } = edgeTableOf(graph);
  const inferred = new Uint8Array(source.length);
  let e = 0;
  graph.forEachEdge((_edge, attributes) => {
    inferred[e++] = attributes.inferred ? 1 : 0;
  });
  return { version: 1, nodes: ids.length, source, target, type, inferred, diagnostics };
}
