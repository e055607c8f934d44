import { resolve } from 'node:path';
import { MultiDirectedGraph } from 'graphology';
import type { ContentCache } from '../cache/content-cache.js';
import type { CIGraph, EdgeAttributes, NodeAttributes } from '../graph/types.js';
import { compileGlob, matchesAny } from '../load/glob.js';
import { CONFIG_FILE, locateRepository } from '../config/load-config.js';
import type { SourceFile } from '../load/file-source.js';
import type { TreeEntry } from '../load/list-tree.js';
import { loadRepository, type ParseCache } from '../load/load-repository.js';
import { KUSTOMIZATION_FILES } from '../render/kustomization.js';
import type { LoadedRepository } from '../load/types.js';
import type { CI, RawDocument } from '../model/ci.js';
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { canonicalJson } from '../model/canonical-json.js';
import { refToId } from '../model/reference.js';
import { RELATION_TYPES, isRelationType, type RelationType } from '../model/relations.js';
import type { RenderCache } from '../render/render-stage.js';
import { IdentityIndex } from '../validate/identity-index.js';
import { IS_MEMBERSHIP, RECEIVER, TYPE_COUNT } from '../impact/propagation-rules.js';
import { validateFiles, validateRepository } from '../validate/validate.js';
import {
  buildRevisionIndex,
  FILE_INVENTORY,
  INDEX_NAMESPACE,
  indexKey,
  readRevisionIndex,
  unindexable,
  writeRevisionIndex,
  type RevisionIndex,
} from './revision-index.js';
import { diffTrees, resolveRevisions } from './tree-diff.js';

/** What the index key holds beyond the tree: the load settings a review uses (the defaults). */
export const INDEX_CONTEXT = 'review';

/** Both sides of a review as the indexed path reads them. */
export interface IndexedRevisions {
  /**
   * The head, loaded where the review needs it: the changed files, the files
   * every review reads (revision-index.ts `alwaysLoad`) and the files of the
   * CIs in `headGraph`. `files` lists the whole head; `cis` and `diagnostics`
   * are those of the loaded files only.
   */
  readonly head: LoadedRepository;
  /** The base, loaded where it differs from the head (as the partial review reads it). */
  readonly base: LoadedRepository;
  /** The part of the head graph the review reads (see `regionOf`), edges in the whole graph's order. */
  readonly headGraph: CIGraph;
  /** The head's validation diagnostics, for the whole revision: the loaded files' afresh, the others' from the base's index. */
  readonly diagnostics: Diagnostic[];
}

export interface IndexedRevisionsInput {
  readonly repo?: string;
  readonly cwd?: string;
  readonly base: string;
  readonly head: string;
  readonly parseCache: ParseCache;
  readonly renderCache?: RenderCache | false;
  readonly contentCache: ContentCache;
}

/**
 * Reads a review's two revisions through the base's index (revision-index.ts)
 * instead of loading, validating and graphing the whole head: what changed
 * comes from `git diff-tree` (tree-diff.ts), neither revision is listed (the
 * head's files are the index's with that diff applied), the head's
 * changed files and the base's are read and validated, the head's identities
 * and edges are the index's with the changed files applied, the checks across
 * files are run for what changed only, and the graph is materialised for the
 * region the review reads. On an index miss the base is loaded and validated
 * whole once and its index written.
 *
 * Returns `{ fallback: why }` whenever this path cannot show it gives the
 * full review's answer; the caller then runs the full review:
 * - the base has no index and cannot get one (rendered units, a duplicate identity, a cycle);
 * - the head renders units (a kustomization or Chart.yaml changed, plumb.yaml
 *   names units); plumb.yaml or a file under the kind schema directory changed
 *   (a change to a file the load never reads, a README, does not count); a
 *   changed inventory or policy path is a symbolic link on either side; the head
 *   has no inventory file left; plumb.yaml configures metrics (capacity
 *   forecasts read every CI);
 * - a changed CI on either side is a Kubernetes object, or an identity added or
 *   removed is one Kubernetes inference looks up (inferred edges are not redrawn here);
 * - the head defines an identity twice, or a new edge closes a cycle.
 */
export async function indexedRevisions(input: IndexedRevisionsInput): Promise<IndexedRevisions | { fallback: string }> {
  const cache = input.contentCache;
  const cwd = resolve(input.cwd ?? process.cwd());
  const root = await locateRepository({ repo: input.repo, cwd });
  const revisions = await resolveRevisions(root, input.base, input.head);
  if (!revisions) return { fallback: 'the base revision has no Git tree id here, or a revision is unknown (git is needed)' };
  const tree = revisions.baseTree;
  const common = { repo: input.repo, cwd, parseCache: input.parseCache, renderCache: input.renderCache, contentCache: cache };
  let index = readRevisionIndex(cache, tree, INDEX_CONTEXT);
  if (!index) {
    // a base known to have none (a broken main: duplicate identities, a cycle) is not loaded and validated
    // again by every review of it only to learn that, before the full review loads it once more
    const none = indexKey(tree, `${INDEX_CONTEXT}\0none`);
    const known = cache.get<unknown>(INDEX_NAMESPACE, none);
    if (typeof known === 'string') return { fallback: `the base has no index: ${known}` };
    const full = await loadRepository({ ...common, rev: revisions.base });
    const checked = validateRepository(full, { contentCache: cache });
    const why = unindexable(full, checked.graph, checked.diagnostics);
    if (why) {
      cache.set(INDEX_NAMESPACE, none, why);
      return { fallback: `the base has no index: ${why}` };
    }
    index = buildRevisionIndex(full, checked.graph, checked.diagnostics);
    writeRevisionIndex(cache, tree, INDEX_CONTEXT, index);
  }

  // what the pull request changed, from git comparing the two trees (not from listing either)
  const diff = await diffTrees(root, revisions.base, revisions.head);
  if (!diff) return { fallback: 'git diff-tree could not compare the base and the head' };
  const baseFiles = new Map<string, string>();
  const roleOf = new Map<string, number>();
  index.files.forEach((f, i) => {
    baseFiles.set(f, index.blobs[i]);
    roleOf.set(f, index.fileRole[i]);
  });
  const inventory = index.layout.inventory.map(compileGlob);
  const policies = index.layout.policies.map(compileGlob);
  const schemas = index.layout.schemas.replace(/\/+$/, '');
  const changed = new Set<string>();
  const headSide = new Map<string, string | undefined>();
  let inventoryFiles = 0;
  for (let i = 0; i < index.fileRole.length; i++) if (index.fileRole[i] === FILE_INVENTORY) inventoryFiles++;
  for (const c of diff) {
    const role = roleOf.get(c.path);
    const document = matchesAny(inventory, c.path) || matchesAny(policies, c.path);
    // plumb.yaml, a kind schema: every CI depends on them (a file the load never reads does not count)
    if (c.path === CONFIG_FILE || role === 0 || (schemas === '' ? !document : c.path.startsWith(`${schemas}/`)))
      return { fallback: `${c.path} changed (plumb.yaml, a kind schema: every CI depends on it)` };
    if (!document) continue;
    if (c.link) return { fallback: `${c.path} is a symbolic link on one side` };
    const name = c.path.slice(c.path.lastIndexOf('/') + 1);
    if (matchesAny(inventory, c.path) && (name === 'Chart.yaml' || KUSTOMIZATION_FILES.includes(name)))
      return { fallback: `${c.path} changed (a Kustomize or Helm unit is rendered)` };
    if (baseFiles.get(c.path) !== c.before) return { fallback: 'the base index does not list the base revision' };
    changed.add(c.path);
    headSide.set(c.path, c.after);
    if (matchesAny(inventory, c.path)) inventoryFiles += (c.after ? 1 : 0) - (c.before ? 1 : 0);
  }
  if (inventoryFiles <= 0) return { fallback: 'the head has no inventory file' };
  // the head's files: the base's with the change applied (sorted, as a load lists them)
  const headFiles = new Map(baseFiles);
  for (const [path, blob] of headSide) {
    if (blob === undefined) headFiles.delete(path);
    else headFiles.set(path, blob);
  }
  const sortedHead = headSide.size ? new Map([...headFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : headFiles;
  const headTree = treeEntries(sortedHead);
  const always = new Set(index.alwaysLoad);
  // the head and the base are read only where the review needs them: the files named, from trees already known
  const files = (of: ReadonlyMap<string, string>, paths: Iterable<string>): SourceFile[] =>
    [...new Set(paths)]
      .filter((p) => of.has(p))
      .sort()
      .map((path) => ({ path, oid: of.get(path)! }));
  const loadHead = (paths: Iterable<string>) => loadRepository({ ...common, rev: revisions.head, tree: headTree, only: files(sortedHead, paths) });
  const first = await loadHead([...always, ...changed]);
  if (first.renders?.length || first.config.render.kustomizations.length || first.config.render.releases.length)
    return { fallback: 'the head renders Kustomize or Helm units' };
  if (first.config.metrics !== undefined) return { fallback: 'plumb.yaml configures metrics (capacity forecasts read every CI)' };

  const loadedBase = await loadRepository({
    ...common,
    rev: revisions.base,
    tree: treeEntries(baseFiles),
    only: files(baseFiles, changed),
    unchangedFrom: { files: new Map(), documents: () => crdDocuments(first.cis) },
  });
  const base: LoadedRepository = { ...loadedBase, files: baseFiles };
  const headChanged = first.cis.filter((c) => changed.has(c.origin.file));
  if (!sameKubernetesObjects(headChanged, base.cis)) return { fallback: 'a Kubernetes object changed (its inferred edges are not redrawn from the index)' };
  // what the plan can list as created, updated or deleted: a CI of a changed file whose document is the same is a noop
  const before = new Map(base.cis.map((c) => [c.id, c]));
  const differing = headChanged.filter((c) => {
    const was = before.get(c.id);
    return !was || canonicalJson(was.object) !== canonicalJson(c.object);
  });

  // the head's identities in load order: the index's for unchanged files, the loaded ones for changed files
  const head = headIdentities(index, changed, headChanged);
  if (head.number.size !== head.ids.length) return { fallback: 'the head defines an identity twice' };
  // an identity's CI number in the index: by position for an unchanged file's, else among the changed files' (no map of every identity)
  const changedFile = new Uint8Array(index.files.length);
  index.files.forEach((f, k) => {
    if (changed.has(f)) changedFile[k] = 1;
  });
  const inChanged = new Map<string, number>();
  for (let i = 0; i < index.ids.length; i++) if (changedFile[index.fileOf[i]]) inChanged.set(index.ids[i], i);
  const baseNumber = (id: string): number | undefined => {
    const h = head.number.get(id);
    return h !== undefined && head.toIndex[h] >= 0 ? head.toIndex[h] : inChanged.get(id);
  };
  const removed = new Set<string>();
  const removedNumber = new Set<number>();
  for (const [id, i] of inChanged)
    if (!head.number.has(id)) {
      removed.add(id);
      removedNumber.add(i);
    }
  const added = new Set(headChanged.filter((c) => baseNumber(c.id) === undefined).map((c) => c.id));
  if (removed.size || added.size) {
    const asked = new Set(index.inferenceAsked);
    const absent = new Set(index.inferenceAbsent);
    for (const id of removed) if (asked.has(inChanged.get(id)!)) return { fallback: `${id} is added or removed and Kubernetes inference looks it up` };
    for (const id of added) if (absent.has(id)) return { fallback: `${id} is added or removed and Kubernetes inference looks it up` };
  }
  // unchanged files whose references named a removed identity: their diagnostics change (ref.unresolved); those naming an added one are always loaded
  const recheck = new Set<string>();
  if (removed.size) {
    for (let i = 0; i < index.ids.length; i++) {
      if (changedFile[index.fileOf[i]]) continue;
      for (let k = index.refStart[i]; k < index.refStart[i + 1]; k++) if (removedNumber.has(index.refs[k])) recheck.add(index.files[index.fileOf[i]]);
    }
  }

  const loadedFirst = new Map<string, CI>();
  for (const ci of first.cis) if (!loadedFirst.has(ci.id)) loadedFirst.set(ci.id, ci);
  const edges = headEdges(index, head, loadedFirst);
  if (edges.cycle) return { fallback: `a new ${edges.cycle} relation closes a cycle` };

  const { region, absentMembers: absent } = regionOf(index, head, edges, headChanged, differing, removed, baseNumber);
  const wanted = new Set([...always, ...changed, ...recheck]);
  for (let i = 0; i < head.ids.length; i++) if (region[i] === OBJECT) wanted.add(head.fileOf[i]);
  const second = [...wanted].every((f) => always.has(f) || changed.has(f)) ? first : await loadHead(wanted);
  const headRepo: LoadedRepository = { ...second, files: sortedHead };

  const identities = new IdentityIndex(
    (id) => head.number.has(id),
    () => head.ids,
  );
  const fresh = validateFiles(second, identities, { contentCache: cache });
  // every file not read here keeps the base's diagnostics (symbolic links' warnings included: nothing lists the
  // trees); plumb.yaml's and the kind schemas' are read on every load, so they are among the fresh ones already
  const fromIndex = index.diagnostics.filter((d) => d.file !== undefined && !wanted.has(d.file) && !changed.has(d.file) && roleOf.get(d.file) !== 0);
  const diagnostics = sortDiagnostics([...fresh, ...fromIndex]);

  const cis = new Map<string, CI>();
  for (const ci of second.cis) if (!cis.has(ci.id)) cis.set(ci.id, ci);
  const graph: CIGraph = new MultiDirectedGraph<NodeAttributes, EdgeAttributes>({ allowSelfLoops: true });
  for (let i = 0; i < head.ids.length; i++) {
    if (!region[i]) continue;
    const ci =
      cis.get(head.ids[i]) ??
      (region[i] === OBJECT ? undefined : unreadCI(index, head.ids[i], head.toIndex[i] >= 0 ? head.toIndex[i] : baseNumber(head.ids[i])));
    if (!ci) return { fallback: `${head.ids[i]} is in the index but not in its file` };
    const members = absent.get(i);
    graph.addNode(head.ids[i], members ? { ci, members } : { ci });
  }
  for (let e = 0; e < edges.source.length; e++) {
    const s = edges.source[e];
    const t = edges.target[e];
    if (region[s] && region[t])
      graph.addEdge(head.ids[s], head.ids[t], { type: RELATION_TYPES[edges.type[e]].type as RelationType, inferred: edges.inferred[e] === 1 });
  }
  return { head: headRepo, base, headGraph: graph, diagnostics };
}

/** A revision's files (path → blob id) as the Git reader lists them. */
function treeEntries(files: ReadonlyMap<string, string>): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  for (const [path, oid] of files) out.set(path, { oid, symlink: false });
  return out;
}

/** The head's CIs in load order (sorted files, then documents): identity, file, and identity → number. */
interface HeadIdentities {
  readonly ids: string[];
  readonly fileOf: string[];
  readonly number: Map<string, number>;
  /** The head CI number of each index CI that is still there in an unchanged file, else -1. */
  readonly fromIndex: Int32Array;
  /** The index CI number of each head CI in an unchanged file, else -1. */
  readonly toIndex: Int32Array;
}

function headIdentities(index: RevisionIndex, changed: ReadonlySet<string>, headChanged: readonly CI[]): HeadIdentities {
  const ids: string[] = [];
  const fileOf: string[] = [];
  const fromIndex = new Int32Array(index.ids.length).fill(-1);
  let k = 0;
  const push = (id: string, file: string) => {
    ids.push(id);
    fileOf.push(file);
  };
  for (let i = 0; i < index.ids.length; i++) {
    const file = index.files[index.fileOf[i]];
    if (changed.has(file)) continue;
    // the changed files' CIs go where their files sort among the unchanged ones
    while (k < headChanged.length && headChanged[k].origin.file < file) push(headChanged[k].id, headChanged[k++].origin.file);
    fromIndex[i] = ids.length;
    push(index.ids[i], file);
  }
  while (k < headChanged.length) push(headChanged[k].id, headChanged[k++].origin.file);
  const number = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!number.has(id)) number.set(id, i);
  });
  const toIndex = new Int32Array(ids.length).fill(-1);
  fromIndex.forEach((h, i) => {
    if (h >= 0) toIndex[h] = i;
  });
  return { ids, fileOf, number, fromIndex, toIndex };
}

/** The head graph's edges as parallel arrays in head CI numbers, in the order buildGraph adds them. */
interface HeadEdges {
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly type: Uint8Array;
  readonly inferred: Uint8Array;
  /** Set when an edge the index did not hold closes a cycle of a type that may not have one. */
  readonly cycle?: string;
}

const TYPE_CODE = new Map(RELATION_TYPES.map((r, i) => [r.type, i]));

/**
 * The head's edges: for each head CI in load order its declared relations —
 * the loaded CI's when its file was read (changed, or read on every review),
 * else the index's less those to removed identities — then the index's
 * inferred block unchanged (indexedRevisions fell back wherever it could
 * change). Edges drawn afresh are checked for cycles through the rest.
 */
function headEdges(index: RevisionIndex, head: HeadIdentities, loaded: ReadonlyMap<string, CI>): HeadEdges {
  let capacity = index.edgeSource.length;
  for (const ci of loaded.values()) capacity += ci.relations.length;
  const source = new Int32Array(capacity);
  const target = new Int32Array(capacity);
  const type = new Uint8Array(capacity);
  const inferred = new Uint8Array(capacity);
  let m = 0;
  // an index CI's head number: by position when its file is unchanged, else by identity
  const headOf = (i: number): number | undefined => (head.fromIndex[i] >= 0 ? head.fromIndex[i] : head.number.get(index.ids[i]));
  // the declared block is grouped by source in the index's load order
  const declaredStart = new Int32Array(index.ids.length + 1);
  for (let e = 0; e < index.declaredEdges; e++) declaredStart[index.edgeSource[e] + 1]++;
  for (let i = 0; i < index.ids.length; i++) declaredStart[i + 1] += declaredStart[i];
  const fresh: number[] = [];
  for (let h = 0; h < head.ids.length; h++) {
    const ci = loaded.get(head.ids[h]);
    if (ci) {
      const seen = new Set<string>();
      for (const r of ci.relations) {
        if (!isRelationType(r.type)) continue;
        const id = r.targetId || refToId(r.target, ci.namespace);
        const t = id === undefined ? undefined : head.number.get(id);
        if (t === undefined || seen.has(`${r.type} ${t}`)) continue;
        seen.add(`${r.type} ${t}`);
        fresh.push(m);
        source[m] = h;
        target[m] = t;
        type[m] = TYPE_CODE.get(r.type)!;
        inferred[m++] = r.inferred ? 1 : 0;
      }
      continue;
    }
    const i = head.toIndex[h];
    for (let e = declaredStart[i]; e < declaredStart[i + 1]; e++) {
      const t = headOf(index.edgeTarget[e]);
      if (t === undefined) continue;
      source[m] = h;
      target[m] = t;
      type[m] = index.edgeType[e];
      inferred[m++] = index.edgeInferred[e];
    }
  }
  for (let e = index.declaredEdges; e < index.edgeSource.length; e++) {
    source[m] = headOf(index.edgeSource[e])!;
    target[m] = headOf(index.edgeTarget[e])!;
    type[m] = index.edgeType[e];
    inferred[m++] = index.edgeInferred[e];
  }
  const out: HeadEdges = { source: source.subarray(0, m), target: target.subarray(0, m), type: type.subarray(0, m), inferred: inferred.subarray(0, m) };
  const cycle = freshCycle(out, head.ids.length, fresh);
  return cycle ? { ...out, cycle } : out;
}

/** The type of the first edge in `fresh` that lies on a cycle of its own type (one that may not form cycles), if any. */
function freshCycle(edges: HeadEdges, n: number, fresh: readonly number[]): string | undefined {
  const adjacency = csr(n, edges.source);
  const seen = new Int32Array(n).fill(-1);
  for (const e of fresh) {
    const spec = RELATION_TYPES[edges.type[e]];
    if (spec.cyclesAllowed) continue;
    const from = edges.source[e];
    // is the edge's source reachable from its target over edges of the same type?
    const queue = [edges.target[e]];
    seen[edges.target[e]] = e;
    for (let q = 0; q < queue.length; q++) {
      const v = queue[q];
      if (v === from) return spec.type;
      for (let k = adjacency.start[v]; k < adjacency.start[v + 1]; k++) {
        const x = adjacency.edge[k];
        if (edges.type[x] !== edges.type[e] || seen[edges.target[x]] === e) continue;
        seen[edges.target[x]] = e;
        queue.push(edges.target[x]);
      }
    }
  }
  return undefined;
}

/** Edges grouped by one end: the edges of node v are `edge[start[v] … start[v+1])`, in edge order. */
function csr(n: number, by: Int32Array): { start: Int32Array; edge: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < by.length; e++) start[by[e] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const edge = new Int32Array(by.length);
  for (let e = 0; e < by.length; e++) edge[fill[by[e]]++] = e;
  return { start, edge };
}

/**
 * The head CIs the review reads, as a mask over head numbers — everything the
 * plan, impact simulation and change-scope policies look at from the changed
 * CIs, so that on this part of the graph they answer as on the whole:
 * - the changed CIs, and the head CIs the base's changed CIs had edges with
 *   (a delete's impact and waves run on the head graph plus the deleted CIs);
 * - their neighbours either way (policies' `relations` and `dependents`);
 * - everything their failure can travel to, transitively (the impact closure,
 *   over each relation's direction of travel), with every member of a
 *   redundancy group (alternativeTo component) it reaches;
 * - the transitive prerequisites that order them into waves (both directions,
 *   for applies and deletes).
 * Every head edge between two CIs of the region is kept, so each of these
 * walks sees on the region exactly what it sees on the whole graph — but for
 * the members of a group (partOf/memberOf sources) that nothing reaches: they
 * stay up in any simulation and only their number matters (`spec.minUp`), so
 * the region leaves them out and `absentMembers` counts them for each CI.
 */
function regionOf(
  index: RevisionIndex,
  head: HeadIdentities,
  edges: HeadEdges,
  headChanged: readonly CI[],
  differing: readonly CI[],
  removed: ReadonlySet<string>,
  baseNumber: (id: string) => number | undefined,
): { region: Uint8Array; absentMembers: ReadonlyMap<number, number> } {
  const n = head.ids.length;
  const region = new Uint8Array(n);
  const out = csr(n, edges.source);
  const into = csr(n, edges.target);
  const travels = RELATION_TYPES.map((r) => r.travels);
  // every CI of a changed file is compared (and listed, a noop when its document is the same); only those that differ are planned
  for (const ci of headChanged) region[head.number.get(ci.id)!] = 1;
  const changed: number[] = differing.map((ci) => head.number.get(ci.id)!);
  // a deleted CI lives in the base graph: the head graph plus it and its base edges (base-graph.ts)
  const deletedNeighbours: number[] = [];
  const deletedReceivers: number[] = [];
  const deletedPrerequisites: number[] = [];
  const deleted = new Set<number>();
  for (const id of removed) deleted.add(baseNumber(id)!);
  if (deleted.size) {
    for (let e = 0; e < index.edgeSource.length; e++) {
      const s = index.edgeSource[e];
      const t = index.edgeTarget[e];
      const travel = travels[index.edgeType[e]];
      if (deleted.has(s)) {
        const h = head.number.get(index.ids[t]);
        if (h === undefined) continue;
        deletedNeighbours.push(h);
        if (travel === 'source-to-target' || travel === 'both') deletedReceivers.push(h);
        if (travel === 'source-to-target') deletedPrerequisites.push(h);
      }
      if (deleted.has(t)) {
        const h = head.number.get(index.ids[s]);
        if (h === undefined) continue;
        deletedNeighbours.push(h);
        if (travel === 'target-to-source' || travel === 'both') deletedReceivers.push(h);
        if (travel === 'target-to-source') deletedPrerequisites.push(h);
      }
    }
  }
  // the changed CIs and their edges either way (policies' relations and dependents)
  for (const v of [...changed, ...deletedNeighbours]) region[v] = 1;
  for (const v of changed) {
    for (let k = out.start[v]; k < out.start[v + 1]; k++) region[edges.target[out.edge[k]]] = 1;
    for (let k = into.start[v]; k < into.start[v + 1]; k++) region[edges.source[into.edge[k]]] = 1;
  }
  // impact: where a failure travels, transitively
  const reachedImpact = worstCaseReach(n, [...changed, ...deletedReceivers], out, into, edges);
  const alternative = TYPE_CODE.get('alternativeTo')!;
  const partOf = TYPE_CODE.get('partOf')!;
  const memberOf = TYPE_CODE.get('memberOf')!;
  const reached = new Uint8Array(n);
  for (const v of reachedImpact) reached[v] = 1;
  // a group a reached member can take down: its spec.minUp is read (its document); its other members are not
  // walked (none is reached), they are counted (absentMembers below)
  const group = new Uint8Array(n);
  for (const v of reachedImpact) {
    region[v] = 1;
    for (let k = into.start[v]; k < into.start[v + 1]; k++) {
      const e = into.edge[k];
      if ((edges.type[e] === partOf || edges.type[e] === memberOf) && reached[edges.source[e]]) group[v] = 1;
    }
  }
  // redundancy groups: whole alternativeTo components of what is reached
  for (const v of closure(n, reachedImpact, out, into, edges, (type) => type === alternative)) region[v] = 1;
  // waves: the prerequisites that order applies (forward) and deletes (reversed), transitively
  const forward = (type: number, outward: boolean) => travels[type] === (outward ? 'target-to-source' : 'source-to-target');
  const waves = closure(n, changed, out, into, edges, forward);
  for (const v of waves) region[v] = 1;
  for (const v of closure(n, deletedPrerequisites, out, into, edges, (type, outward) => forward(type, !outward))) region[v] = 1;
  // whose document the walks read: a business service's criticality, a group's spec.minUp; the changed CIs are read anyway
  const businessService = index.kinds.indexOf('BusinessService');
  for (let v = 0; v < n; v++) {
    if (!region[v]) continue;
    const i = head.toIndex[v] >= 0 ? head.toIndex[v] : baseNumber(head.ids[v]);
    if (group[v] || (i !== undefined && index.kindOf[i] === businessService)) region[v] = OBJECT;
  }
  for (const ci of headChanged) region[head.number.get(ci.id)!] = OBJECT;
  return { region, absentMembers: absentMembers(n, region, into, edges, partOf, memberOf) };
}

/**
 * For each CI of the region with members (distinct CIs with a partOf or
 * memberOf edge into it), how many of them the region leaves out: they count
 * toward its `spec.minUp` all the same (NodeAttributes.members). A hub's group
 * can have tens of thousands of members no change reaches; at 100k CIs they
 * were 17k of the 21k CIs of a 50-CI review's graph.
 */
function absentMembers(n: number, region: Uint8Array, into: Csr, edges: HeadEdges, partOf: number, memberOf: number): Map<number, number> {
  const out = new Map<number, number>();
  const stamp = new Int32Array(n);
  for (let g = 0; g < n; g++) {
    if (!region[g]) continue;
    let absent = 0;
    for (let k = into.start[g]; k < into.start[g + 1]; k++) {
      const e = into.edge[k];
      const m = edges.source[e];
      if ((edges.type[e] !== partOf && edges.type[e] !== memberOf) || stamp[m] === g + 1) continue;
      stamp[m] = g + 1;
      if (!region[m]) absent++;
    }
    if (absent) out.set(g, absent);
  }
  return out;
}

/** A region mark: the CI's document is read (its file is loaded); 1 marks a CI the graph holds by identity only. */
const OBJECT = 2;

/**
 * Thrown when something reads more of a CI the indexed review did not load
 * than its identity, kind, apiVersion and whether it is a Kubernetes object:
 * the review then runs in full (run-review.ts), so a walk this module does not
 * know about can cost time, never a wrong answer.
 */
export class UnreadCIError extends Error {
  constructor(
    readonly ci: string,
    readonly property: string,
  ) {
    super(`the indexed review did not load ${ci} (read: ${property})`);
  }
}

const STUB_FIELDS = new Set(['id', 'kind', 'apiVersion', 'kubernetes']);

/** The graph's CI for an unchanged CI whose document the review does not read: identity, kind, apiVersion, `kubernetes`; anything else throws UnreadCIError. */
function unreadCI(index: RevisionIndex, id: string, i: number | undefined): CI | undefined {
  if (i === undefined) return undefined;
  const known: Record<string, unknown> = {
    id,
    kind: index.kinds[index.kindOf[i]],
    apiVersion: index.apiVersions[index.apiVersionOf[i]],
    kubernetes: index.kubernetes[i] === 1,
  };
  return new Proxy(known, {
    get(target, property) {
      if (typeof property === 'symbol' || property === 'then') return undefined;
      if (!STUB_FIELDS.has(property)) throw new UnreadCIError(id, property);
      return target[property];
    },
  }) as unknown as CI;
}

/**
 * Every CI an impact simulation from `seeds` can reach, over the relations'
 * propagation table (engine/impact/propagation-rules.ts) at its worst: the
 * seeds down, each group down as soon as a member is (whatever its minUp), no
 * redundancy group masking an outage. Each of those only ever makes a state
 * less severe, and a less severe state travels over fewer relations, so the
 * real simulation reaches a subset of this — at a fraction of the plain
 * transitive closure (at-risk travels over hard dependencies only).
 */
function worstCaseReach(n: number, seeds: readonly number[], out: Csr, into: Csr, edges: HeadEdges): number[] {
  const travels = RELATION_TYPES.map((r) => r.travels);
  const state = new Int8Array(n).fill(STATES);
  const queue: number[] = [];
  const emit = (v: number, reaches: number) => {
    if (reaches < 0 || reaches >= state[v]) return;
    if (state[v] === STATES) queue.push(v);
    state[v] = reaches;
    pending.push(v);
  };
  const pending: number[] = [];
  for (const v of seeds) emit(v, 0);
  while (pending.length) {
    const v = pending.pop()!;
    const s = state[v];
    const rule = (type: number) => (s === 0 && IS_MEMBERSHIP[type] ? 0 : RECEIVER[s * TYPE_COUNT + type]);
    for (let k = out.start[v]; k < out.start[v + 1]; k++) {
      const e = out.edge[k];
      const t = travels[edges.type[e]];
      if (t === 'source-to-target' || t === 'both') emit(edges.target[e], rule(edges.type[e]));
    }
    for (let k = into.start[v]; k < into.start[v + 1]; k++) {
      const e = into.edge[k];
      const t = travels[edges.type[e]];
      if (t === 'target-to-source' || t === 'both') emit(edges.source[e], rule(edges.type[e]));
    }
  }
  return queue;
}

/** Impact states are 0 (down), 1 (degraded), 2 (at-risk); this marks a CI not reached. */
const STATES = 3;

type Csr = { start: Int32Array; edge: Int32Array };

/**
 * The nodes reachable from `seeds` (seeds included): over an edge from its
 * source when `follow(type, true)`, against it from its target when `follow(type, false)`.
 */
function closure(
  n: number,
  seeds: readonly number[],
  out: { start: Int32Array; edge: Int32Array },
  into: { start: Int32Array; edge: Int32Array },
  edges: HeadEdges,
  follow: (type: number, outward: boolean) => boolean,
): number[] {
  const seen = new Uint8Array(n);
  const queue: number[] = [];
  const visit = (v: number) => {
    if (seen[v]) return;
    seen[v] = 1;
    queue.push(v);
  };
  for (const v of seeds) visit(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    for (let k = out.start[v]; k < out.start[v + 1]; k++) if (follow(edges.type[out.edge[k]], true)) visit(edges.target[out.edge[k]]);
    for (let k = into.start[v]; k < into.start[v + 1]; k++) if (follow(edges.type[into.edge[k]], false)) visit(edges.source[into.edge[k]]);
  }
  return queue;
}

/**
 * True when the changed files hold the same Kubernetes objects on both sides,
 * file by file and in the same order: then Kubernetes inference, which reads
 * only Kubernetes objects and the existence of the identities it looks up,
 * draws the same edges in the same order as in the base.
 */
function sameKubernetesObjects(head: readonly CI[], base: readonly CI[]): boolean {
  const of = (cis: readonly CI[]) => cis.filter((c) => c.kubernetes).map((c) => `${c.origin.file}\0${c.id}\0${canonicalJson(c.object)}`);
  const a = of(head);
  const b = of(base);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The head's CustomResourceDefinitions as documents (they decide the scope of custom kinds on the base side too). */
export function crdDocuments(cis: readonly CI[]): RawDocument[] {
  return cis.filter((c) => c.kind === 'CustomResourceDefinition' && !c.origin.render).map((c) => ({ origin: c.origin, value: c.object }));
}
