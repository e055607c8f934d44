import { createHmac } from 'node:crypto';
import { MultiDirectedGraph } from 'graphology';
import { useDictionaryNeighbours } from './dictionary-neighbours.js';
import type { LoadedRepository } from '../load/types.js';
import { derivedCacheKey } from '../cache/code-signature.js';
import type { RenderedUnit } from '../render/render-stage.js';
import { redactObject } from '../redact/redact-object.js';
import { secretPointersOf } from '../redact/secret-pointers.js';
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
 * The fields of a CI's document the graph and the checks across CIs read, as
 * JSON Pointer prefixes: the identity, the declared relations and owner (the
 * references), labels (a Pod's, for Service selectors), and the spec and
 * binding fields Kubernetes edges are inferred from (infer-kubernetes.ts:
 * selectors, backends, pod templates, roleRef, subjects, webhooks). A value
 * SOPS decrypted into one of them ({@link CI.secretPointers}) may show in the
 * index — an edge to the CI it names, a reference quoted in a diagnostic — so
 * such a repository's index is never written ({@link mayStoreGraphIndex}).
 * Anything else (a Secret's data, a ConfigMap's, other annotations) the graph
 * never reads. graph-index.test.ts checks every inferred edge's field is here.
 */
export const GRAPH_FIELDS: readonly string[] = [
  '/apiVersion',
  '/kind',
  '/metadata/name',
  '/metadata/namespace',
  '/metadata/annotations/plumb.io~1relations',
  '/metadata/owner',
  '/metadata/labels',
  '/relations',
  '/spec',
  '/roleRef',
  '/subjects',
  '/webhooks',
];

/**
 * True when the pointer is a field the graph reads, inside one or around one.
 * An annotation is never read but the object's own `plumb.io/relations`: a
 * pod template's `checksum/secret` (a chart's hash of a decrypted value) is not.
 */
export function graphReads(pointer: string): boolean {
  const annotation = /^(.*?)\/metadata\/annotations\/([^/]+)/.exec(pointer);
  if (annotation && !(annotation[1] === '' && annotation[2] === 'plumb.io~1relations')) return false;
  return GRAPH_FIELDS.some((f) => pointer === f || pointer.startsWith(`${f}/`) || f.startsWith(`${pointer}/`));
}

/**
 * Whether a repository's graph index may be written to the content cache: not
 * when a SOPS-decrypted value (or a rendered field holding one) lies in a field
 * the graph reads ({@link GRAPH_FIELDS}), since the index — edges as numbers,
 * the diagnostics of references — would then tell something of it to whoever
 * reads the cache. Such a repository builds its graph every time, as before.
 * Decrypted values elsewhere (a Secret's `data`/`stringData`, the common SOPS
 * rule `encrypted_regex: ^(data|stringData)$`) never reach the index.
 */
export function mayStoreGraphIndex(repo: Pick<LoadedRepository, 'cis'>): boolean {
  for (const ci of repo.cis) if (ci.secretPointers?.some(graphReads)) return false;
  return true;
}

/**
 * The content key of a repository's graph index, or undefined when it can have
 * none. What the graph and the checks across CIs read is the CIs — each one's
 * document, identity and file — so the key holds, per CI in load order:
 * - a file's CI: its file's blob id (a content hash for work-tree files), its
 *   path and its identity;
 * - a CI of a SOPS-encrypted file (LoadedRepository.sops): the same, with the
 *   ciphertext's blob id (a fixed ciphertext decrypts to one plaintext or
 *   fails: sops checks its MAC) and the CI's origin (a position, which another
 *   sops could lay out otherwise);
 * - a rendered CI (Kustomize, Helm): its unit's render key (RenderedUnit.key:
 *   tool, version, settings, every input's path and blob id, encrypted ones
 *   included), its identity, its origin (patch and values lines), and its
 *   document with every secret field redacted (a Secret's values, a schema's
 *   `x-plumb-secret` fields, fields holding a decrypted value): a chart may
 *   render differently from the same inputs (`randAlphaNum`, `now`), and what
 *   it rendered is what the graph reads;
 * and the kind schemas and the inventory's CRDs (`context`: a CI's namespace,
 * so its references, depends on which kinds are cluster-scoped), and
 * plumb.yaml as loaded (defensive: what it changes — globs, load limits,
 * the schema directory, render settings — already changes the files,
 * identities, render keys or context).
 *
 * No index for a repository with a SOPS file that failed to decrypt or a unit
 * that failed or was skipped (what loads then depends on the keys and tools at
 * hand, not on the content), or with a file without a blob id.
 *
 * The key is an HMAC-SHA256 under a key derived from the cache key, which is
 * kept outside the cache directory (engine/cache/code-signature.ts): it is
 * made of identities and positions and (for rendered CIs) redacted documents,
 * never of a secret value, and even so whoever reads the cache cannot compute
 * a key to test a guess of what the repository holds. Without a cache key
 * there is no cache, and no index.
 */
export function graphIndexKey(
  repo: Pick<LoadedRepository, 'cis' | 'files' | 'config' | 'renders' | 'sops' | 'schemas'>,
  context: string,
  secret: Buffer | undefined = derivedCacheKey('graph index key'),
): string | undefined {
  if (!secret) return undefined;
  if (repo.sops) for (const outcome of repo.sops.values()) if (outcome === 'failed') return undefined;
  const units = new Map<string, RenderedUnit>();
  for (const unit of repo.renders ?? []) {
    if (unit.status !== 'rendered' && unit.status !== 'cached') return undefined;
    units.set(unit.id, unit);
  }
  const hash = createHmac('sha256', secret);
  hash.update(`graph-index 2\0${context}\0${canonicalJson(repo.config)}\n`);
  let file: string | undefined;
  let sops = false;
  let line = '';
  for (const ci of repo.cis) {
    const render = ci.origin.render;
    if (render) {
      const unit = units.get(render.unit);
      if (unit === undefined) return undefined;
      hash.update(line);
      file = undefined;
      line = `\nrender\0${unit.key}\0${ci.id}\0${canonicalJson(ci.origin)}\0${canonicalJson(redactedDocument(ci, repo.schemas))}`;
      continue;
    }
    if (ci.origin.file !== file) {
      file = ci.origin.file;
      const blob = repo.files.get(file);
      if (blob === undefined) return undefined;
      sops = repo.sops?.get(file) === 'decrypted';
      hash.update(line);
      line = `\n${sops ? 'sops\0' : ''}${blob}\0${file}`;
    }
    line += sops ? `\0${ci.id}\0${canonicalJson(ci.origin)}` : `\0${ci.id}`;
  }
  hash.update(line);
  return hash.digest('hex');
}

/** A rendered CI's document with every secret field redacted: its kind's (a Secret's values, `x-plumb-secret`) and the decrypted ones. */
function redactedDocument(ci: CI, schemas: LoadedRepository['schemas']): unknown {
  const pointers = secretPointersOf(ci.object, schemas.get(ci.kind)?.schema);
  if (ci.secretPointers?.length) pointers.push(...ci.secretPointers);
  return redactObject(ci.object, pointers);
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
