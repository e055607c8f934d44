import { execFile } from 'node:child_process';
import type { ContentCache } from '../cache/content-cache.js';
import { inferKubernetesEdges } from '../graph/infer-kubernetes.js';
import type { CIGraph } from '../graph/types.js';
import { compileGlob, matchesAny } from '../load/glob.js';
import type { LoadedRepository } from '../load/types.js';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { refToId } from '../model/reference.js';
import { RELATION_TYPES, isRelationType } from '../model/relations.js';
import { holdsSecretValues, secretValuesOf } from '../redact/scrubber.js';
import { writtenRelations } from '../validate/written-relations.js';
import { packStrings, type PackedStrings } from './revision-files.js';

/** Namespace of revision indexes in the content cache. */
export const INDEX_NAMESPACE = 'review-index';
/** Bumped whenever the shape or the meaning of an index changes (old entries are then misses). */
const INDEX_VERSION = 6;

/**
 * What a review needs to know about a whole revision without loading it: the
 * validated revision's identities, graph and diagnostics, in compact form.
 * Written after a full load and validation of the revision (a review's base
 * on a miss), kept in the content cache under the revision's Git tree id
 * (engine/cache: HMAC-authenticated, a damaged or forged entry is a miss), and
 * read by the indexed review (indexed-review.ts), which loads only the files a
 * pull request changes plus the part of the graph they touch.
 *
 * Never holds a Secret's values: no CI object is kept, only identities,
 * edges and reference targets; files holding secret values (a Kubernetes
 * Secret, a kind schema's `x-plumb-secret` field, a SOPS-decrypted value) are
 * listed in `alwaysLoad` instead, and their diagnostics are not kept (they are
 * computed afresh on every review, as their parses are never cached either).
 *
 * Arrays are parallel and numbered: file `f` is `files[f]` with blob
 * `blobs[f]`; CI `i` is `ids[i]` in `files[fileOf[i]]` (those three lists are
 * packed into one string each: revision-files.ts), in load order (sorted
 * paths, then document order); edge `e` goes from CI `edgeSource[e]` to CI
 * `edgeTarget[e]` with relation `RELATION_TYPES[edgeType[e]]`, in the order
 * the graph was built: the declared relations first (`declaredEdges` of
 * them, grouped by source in load order), then the inferred Kubernetes edges.
 */
export interface RevisionIndex {
  readonly version: number;
  /** Every file the load recorded (LoadedRepository.files), sorted, and its blob id. */
  readonly files: PackedStrings;
  readonly blobs: PackedStrings;
  /** What each file is to the load: {@link FILE_INVENTORY}, {@link FILE_POLICY} (policy globs only), or 0 (plumb.yaml, a kind schema). */
  readonly fileRole: Uint8Array;
  /** plumb.yaml's globs and kind schema directory, which decide what a changed path is (indexed-review.ts) without loading plumb.yaml. */
  readonly layout: { readonly inventory: readonly string[]; readonly policies: readonly string[]; readonly schemas: string };
  readonly ids: PackedStrings;
  /** The CI numbers sorted by identity (UTF-16 code unit order): a review finds an identity's number by binary search, with no map of every identity. */
  readonly idOrder: Int32Array;
  readonly fileOf: Int32Array;
  /** 1 for a Kubernetes object (apiVersion outside plumb.io). */
  readonly kubernetes: Uint8Array;
  /** Each CI's kind and apiVersion as written, by number into these tables (what the graph reads of a CI it does not load: indexed-review.ts). */
  readonly kinds: readonly string[];
  readonly kindOf: Int32Array;
  readonly apiVersions: readonly string[];
  readonly apiVersionOf: Int32Array;
  /**
   * What impact simulation reads of a CI's document, for every CI that sets it
   * (`specOf` ascending, parallel to the values; a CI not listed has neither):
   * `spec.minUp` (a group's threshold, engine/impact/member-threshold.ts) and
   * `spec.criticality` (a business service's, engine/impact/simulate.ts), as
   * written. The indexed review then reads no group's or service's file to
   * simulate through it. Never a CI of an `alwaysLoad` file (a secret value).
   */
  readonly specOf: Int32Array;
  readonly minUp: readonly unknown[];
  readonly criticality: readonly unknown[];
  readonly edgeSource: Int32Array;
  readonly edgeTarget: Int32Array;
  readonly edgeType: Uint8Array;
  readonly edgeInferred: Uint8Array;
  /** How many edges, from the first, come from declared relations (the rest are inferred from Kubernetes objects). */
  readonly declaredEdges: number;
  /**
   * The CIs each CI's written references name (relations and `metadata.owner`),
   * by number: `refs[refStart[i] … refStart[i+1])`; a reference to no CI of the
   * revision is left out (its file has a `ref.unresolved` diagnostic, so it is
   * in `alwaysLoad`). Numbers, not identities: 170k strings at 100k CIs were a
   * third of the index's bytes and of its read.
   */
  readonly refStart: Int32Array;
  readonly refs: Int32Array;
  /** Every identity Kubernetes inference asked about that is a CI of the revision, by number: removing one may change an inferred edge. */
  readonly inferenceAsked: Int32Array;
  /** Every identity Kubernetes inference asked about that no CI of the revision has: adding one may change an inferred edge. */
  readonly inferenceAbsent: readonly string[];
  /** Files every indexed review loads: CustomResourceDefinitions, policy documents in inventory files, secret values, unresolved references. */
  readonly alwaysLoad: readonly string[];
  /** The revision's validated diagnostics (sorted), except those of `alwaysLoad` files. */
  readonly diagnostics: readonly Diagnostic[];
}

/** A file matched by the inventory globs ({@link RevisionIndex.fileRole}). */
export const FILE_INVENTORY = 1;
/** A file matched by the policy globs only. */
export const FILE_POLICY = 2;

/**
 * The Git tree id of the plumb repository at `root` in `rev` — the tree of
 * `root`'s own directory (`rev:./`), which is the whole commit's tree only when
 * `root` is the Git top level: two plumb repositories in one Git repository
 * (a monorepo's directories) each get their own index, and a commit that
 * changes only the other leaves it valid. Undefined: no git, unknown
 * revision, or no such directory in `rev`.
 */
export function treeOf(root: string, rev: string): Promise<string | undefined> {
  return new Promise((resolve) =>
    execFile('git', ['-C', root, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}:./`], (error, stdout) =>
      resolve(error ? undefined : String(stdout).trim() || undefined),
    ),
  );
}

/** The cache key of a revision's index: its tree, and anything else the load depends on. */
export function indexKey(tree: string, context: string): string {
  return `${tree}\0${context}`;
}

/** The index of the revision whose tree is `tree`, or undefined (none, damaged, another version). */
export function readRevisionIndex(cache: ContentCache, tree: string, context: string): RevisionIndex | undefined {
  const index = cache.get<RevisionIndex>(INDEX_NAMESPACE, indexKey(tree, context));
  return index && index.version === INDEX_VERSION ? index : undefined;
}

/** Stores `index` for the revision whose tree is `tree`. */
export function writeRevisionIndex(cache: ContentCache, tree: string, context: string, index: RevisionIndex): void {
  cache.set(INDEX_NAMESPACE, indexKey(tree, context), index);
}

/** Why a revision that renders Kustomize or Helm units gets no index (checked before its validation). */
export const RENDERS_UNITS = 'the revision renders Kustomize or Helm units';

/** Why a revision gets no index (the indexed review cannot serve it), or undefined. */
export function unindexable(repo: LoadedRepository, graph: CIGraph, diagnostics: readonly Diagnostic[]): string | undefined {
  if (repo.renders?.length) return RENDERS_UNITS;
  if (graph.order !== repo.cis.length) return 'the revision defines an identity twice';
  if (diagnostics.some((d) => d.code === 'relation.cycle')) return 'the revision has a relation cycle';
  return undefined;
}

/**
 * Builds the index of a fully loaded and validated revision (`graph` and
 * `diagnostics` are validateRepository's). Call `unindexable` first: a
 * revision with rendered units, duplicate identities or cycles has none.
 */
export function buildRevisionIndex(repo: LoadedRepository, graph: CIGraph, diagnostics: readonly Diagnostic[]): RevisionIndex {
  const files = [...repo.files.keys()];
  const fileNumber = new Map(files.map((f, i) => [f, i]));
  const n = repo.cis.length;
  const ids: string[] = new Array(n);
  const number = new Map<string, number>();
  const fileOf = new Int32Array(n);
  const kubernetes = new Uint8Array(n);
  const refStart = new Int32Array(n + 1);
  const refIds: string[] = [];
  const alwaysLoad = new Set<string>();
  const kinds = new Table();
  const apiVersions = new Table();
  const kindOf = new Int32Array(n);
  const apiVersionOf = new Int32Array(n);
  const specOf: number[] = [];
  const minUp: unknown[] = [];
  const criticality: unknown[] = [];
  repo.cis.forEach((ci, i) => {
    kindOf[i] = kinds.number(ci.kind);
    apiVersionOf[i] = apiVersions.number(ci.apiVersion);
    ids[i] = ci.id;
    number.set(ci.id, i);
    fileOf[i] = fileNumber.get(ci.origin.file) ?? -1;
    kubernetes[i] = ci.kubernetes ? 1 : 0;
    for (const r of writtenRelations(ci)) {
      const id = typeof r.target === 'string' ? refToId(r.target, ci.namespace) : undefined;
      if (id !== undefined) refIds.push(id);
    }
    if (ci.owner !== undefined) {
      const id = refToId(ci.owner, ci.namespace);
      if (id !== undefined) refIds.push(id);
    }
    refStart[i + 1] = refIds.length;
    if (mustLoad(ci, repo)) alwaysLoad.add(ci.origin.file);
    else {
      // read as the simulation reads them: spec?.minUp, spec?.criticality
      const spec = ci.object.spec as Record<string, unknown> | null | undefined;
      const fields = [spec?.minUp, spec?.criticality];
      if (fields[0] !== undefined || fields[1] !== undefined) {
        specOf.push(i);
        minUp.push(fields[0]);
        criticality.push(fields[1]);
      }
    }
  });
  for (const doc of repo.policyDocuments) if (repo.files.has(doc.origin.file)) alwaysLoad.add(doc.origin.file);
  // an unresolved reference may resolve in the head (and its did-you-mean may change); a SOPS file may decrypt with other keys
  for (const d of diagnostics) if ((d.code === 'ref.unresolved' || d.code.startsWith('sops.')) && d.file !== undefined) alwaysLoad.add(d.file);

  // references by number, once every identity has one; those to no CI are dropped (their files are always loaded)
  const refs: number[] = [];
  for (let i = 0, k = 0; i < n; i++) {
    for (; k < refStart[i + 1]; k++) {
      const target = number.get(refIds[k]);
      if (target !== undefined) refs.push(target);
    }
    refStart[i + 1] = refs.length;
  }
  const m = graph.size;
  const edgeSource = new Int32Array(m);
  const edgeTarget = new Int32Array(m);
  const edgeType = new Uint8Array(m);
  const edgeInferred = new Uint8Array(m);
  const typeCode = new Map(RELATION_TYPES.map((r, i) => [r.type, i]));
  let e = 0;
  graph.forEachEdge((_key, attrs, source, target) => {
    edgeSource[e] = number.get(source)!;
    edgeTarget[e] = number.get(target)!;
    edgeType[e] = typeCode.get(attrs.type)!;
    edgeInferred[e] = attrs.inferred ? 1 : 0;
    e++;
  });
  // the identities inference asks about: their existence decides the inferred block
  const asked = new Set<string>();
  inferKubernetesEdges(repo.cis, (id) => {
    asked.add(id);
    return graph.hasNode(id);
  });
  const inventory = repo.config.inventory.map(compileGlob);
  const policies = repo.config.policies.map(compileGlob);
  return {
    version: INDEX_VERSION,
    files: packStrings(files),
    blobs: packStrings(files.map((f) => repo.files.get(f)!)),
    fileRole: Uint8Array.from(files, (f) => (matchesAny(inventory, f) ? FILE_INVENTORY : matchesAny(policies, f) ? FILE_POLICY : 0)),
    layout: { inventory: [...repo.config.inventory], policies: [...repo.config.policies], schemas: repo.config.schemas },
    ids: packStrings(ids),
    idOrder: Int32Array.from(ids.keys()).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0)),
    fileOf,
    kubernetes,
    kinds: kinds.values,
    kindOf,
    apiVersions: apiVersions.values,
    apiVersionOf,
    specOf: Int32Array.from(specOf),
    minUp,
    criticality,
    edgeSource,
    edgeTarget,
    edgeType,
    edgeInferred,
    declaredEdges: declaredEdgeCount(repo.cis, graph),
    refStart,
    refs: Int32Array.from(refs),
    inferenceAsked: Int32Array.from([...asked].filter((id) => number.has(id)).map((id) => number.get(id)!)),
    inferenceAbsent: [...asked].filter((id) => !number.has(id)),
    alwaysLoad: [...alwaysLoad].sort(),
    diagnostics: diagnostics.filter((d) => d.file === undefined || !alwaysLoad.has(d.file)),
  };
}

/** Distinct strings, numbered in order of first use. */
class Table {
  readonly values: string[] = [];
  private readonly numbers = new Map<string, number>();
  number(value: string): number {
    let n = this.numbers.get(value);
    if (n === undefined) {
      n = this.values.length;
      this.values.push(value);
      this.numbers.set(value, n);
    }
    return n;
  }
}

/** How many edges buildGraph drew from declared relations (before the inferred ones): its first loop, replayed. */
function declaredEdgeCount(cis: readonly CI[], graph: CIGraph): number {
  let count = 0;
  for (const ci of cis) {
    const seen = new Set<string>();
    for (const r of ci.relations) {
      if (!isRelationType(r.type)) continue;
      const target = r.targetId || refToId(r.target, ci.namespace);
      if (target === undefined || !graph.hasNode(target) || seen.has(`${r.type} ${target}`)) continue;
      seen.add(`${r.type} ${target}`);
      count++;
    }
  }
  return count;
}

/**
 * A file every indexed review reads again: a CustomResourceDefinition (it
 * decides other files' identities and checks), a secret value (never kept in
 * the cache; every value must reach the output scrubber), a SOPS-decrypted or
 * rendered document.
 */
function mustLoad(ci: CI, repo: LoadedRepository): boolean {
  if (ci.kind === 'CustomResourceDefinition' || ci.origin.render) return true;
  if (ci.secretPointers?.length || holdsSecretValues(ci.object)) return true;
  return secretValuesOf(ci.object, repo.schemas.get(ci.kind)?.schema).length > 0;
}
