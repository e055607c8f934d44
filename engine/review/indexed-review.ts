import { resolve } from 'node:path';
import { MultiDirectedGraph } from 'graphology';
import type { ContentCache } from '../cache/content-cache.js';
import { deferEdges } from '../graph/deferred-edges.js';
import type { CIGraph, EdgeAttributes, NodeAttributes } from '../graph/types.js';
import { compileGlob, matchesAny } from '../load/glob.js';
import { CONFIG_FILE, locateRepository } from '../config/load-config.js';
import type { SourceFile } from '../load/file-source.js';
import type { FolderListing, TreeEntry } from '../load/list-tree.js';
import { loadRepository, type ParseCache } from '../load/load-repository.js';
import { KUSTOMIZATION_FILES } from '../render/kustomization.js';
import type { LoadedRepository } from '../load/types.js';
import type { CI, RawDocument } from '../model/ci.js';
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { canonicalJson } from '../model/canonical-json.js';
import { refToId } from '../model/reference.js';
import { RELATION_TYPES, isRelationType } from '../model/relations.js';
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
  RENDERS_UNITS,
  unindexable,
  writeRevisionIndex,
  type RevisionIndex,
} from './revision-index.js';
import { diffTrees, resolveRevisions } from './tree-diff.js';
import { packedAt, packedCount, RevisionFiles, searchPacked } from './revision-files.js';

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
  /** The files whose blob differs between the base and the head (engine/review/changed-files.ts), from git's diff of the two trees. */
  readonly changedFiles: ReadonlySet<string>;
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
    // a base that renders units has none whatever its graph: not validated only to learn that
    const checked = full.renders?.length ? undefined : validateRepository(full, { contentCache: cache });
    const why = checked ? unindexable(full, checked.graph, checked.diagnostics) : RENDERS_UNITS;
    if (why) {
      cache.set(INDEX_NAMESPACE, none, why);
      return { fallback: `the base has no index: ${why}` };
    }
    index = buildRevisionIndex(full, checked!.graph, checked!.diagnostics);
    writeRevisionIndex(cache, tree, INDEX_CONTEXT, index);
  }

  // what the pull request changed, from git comparing the two trees (not from listing either)
  const diff = await diffTrees(root, revisions.base, revisions.head);
  if (!diff) return { fallback: 'git diff-tree could not compare the base and the head' };
  const baseFiles = new RevisionFiles(index.files, index.blobs);
  const roleOf = (path: string): number | undefined => {
    const k = searchPacked(index.files, path);
    return k < 0 ? undefined : index.fileRole[k];
  };
  const inventory = index.layout.inventory.map(compileGlob);
  const policies = index.layout.policies.map(compileGlob);
  const schemas = index.layout.schemas.replace(/\/+$/, '');
  const changed = new Set<string>();
  const headSide = new Map<string, string | undefined>();
  let inventoryFiles = 0;
  for (let i = 0; i < index.fileRole.length; i++) if (index.fileRole[i] === FILE_INVENTORY) inventoryFiles++;
  for (const c of diff) {
    // the full review reports it (load.not-utf8), as the work tree does
    if (c.notUtf8) return { fallback: 'a changed file name is not UTF-8' };
    const role = roleOf(c.path);
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
  const sortedHead = new RevisionFiles(index.files, index.blobs, headSide);
  const headTree = new TreeView(sortedHead);
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
    tree: new TreeView(baseFiles),
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

  // the head's CIs in the index's numbering: an unchanged file's CI keeps its number, a changed file's CI takes the
  // number of the base CI with its identity, or a new one past the index's (no map of every identity)
  const changedFile = new Uint8Array(packedCount(index.files));
  for (const path of changed) {
    const k = searchPacked(index.files, path);
    if (k >= 0) changedFile[k] = 1;
  }
  const head = headNodes(index, changedFile, headChanged);
  if (!head) return { fallback: 'the head defines an identity twice' };
  const removed = new Set<string>();
  const removedNumber = new Set<number>();
  for (let i = 0; i < head.size; i++)
    if (!head.alive[i] && changedFile[index.fileOf[i]]) {
      removed.add(packedAt(index.ids, i));
      removedNumber.add(i);
    }
  const added = new Set(headChanged.filter((_c, k) => head.nodeOf[k] >= head.size).map((c) => c.id));
  if (removed.size || added.size) {
    const absent = new Set(index.inferenceAbsent);
    for (const i of index.inferenceAsked)
      if (removedNumber.has(i)) return { fallback: `${packedAt(index.ids, i)} is added or removed and Kubernetes inference looks it up` };
    for (const id of added) if (absent.has(id)) return { fallback: `${id} is added or removed and Kubernetes inference looks it up` };
  }
  // unchanged files whose references named a removed identity: their diagnostics change (ref.unresolved); those naming an added one are always loaded
  const recheck = new Set<string>();
  if (removed.size) {
    for (let i = 0; i < head.size; i++) {
      if (changedFile[index.fileOf[i]]) continue;
      for (let k = index.refStart[i]; k < index.refStart[i + 1]; k++) if (removedNumber.has(index.refs[k])) recheck.add(packedAt(index.files, index.fileOf[i]));
    }
  }

  const edges = headEdges(index, head, first.cis);
  if (edges.cycle) return { fallback: `a new ${edges.cycle} relation closes a cycle` };

  const { region, absentMembers: absent } = regionOf(index, head, edges, differing, removedNumber);
  // the region in the head's load order (the order of the whole graph's nodes)
  // an unchanged CI's rank is its index number, so those come in order already: only the changed files' CIs are
  // sorted and merged in (sorting the whole region with this comparator, ~20k lookups per 1,000 CIs, was most of it)
  const byRank = (a: number, b: number) => head.rank(a) - head.rank(b) || head.within(a) - head.within(b);
  const kept: number[] = [];
  const moved: number[] = [];
  for (let v = 0; v < head.n; v++) if (region[v]) (head.changed(v) ? moved : kept).push(v);
  moved.sort(byRank);
  const nodes: number[] = [];
  for (let i = 0, j = 0; i < kept.length || j < moved.length; )
    nodes.push(j === moved.length || (i < kept.length && byRank(kept[i], moved[j]) < 0) ? kept[i++] : moved[j++]);
  const wanted = new Set([...always, ...changed, ...recheck]);
  for (const v of nodes) if (region[v] === OBJECT) wanted.add(head.fileOf(v));
  const second = [...wanted].every((f) => always.has(f) || changed.has(f)) ? first : await loadHead(wanted);
  const headRepo: LoadedRepository = { ...second, files: sortedHead };

  const identities = new IdentityIndex(
    (id) => head.lookup(id) !== undefined,
    () => head.ids(),
  );
  const fresh = validateFiles(second, identities, { contentCache: cache });
  // every file not read here keeps the base's diagnostics (symbolic links' warnings included: nothing lists the
  // trees); plumb.yaml's and the kind schemas' are read on every load, so they are among the fresh ones already
  const fromIndex = index.diagnostics.filter((d) => d.file !== undefined && !wanted.has(d.file) && !changed.has(d.file) && roleOf(d.file) !== 0);
  const diagnostics = sortDiagnostics([...fresh, ...fromIndex]);

  const cis = new Map<string, CI>();
  for (const ci of second.cis) if (!cis.has(ci.id)) cis.set(ci.id, ci);
  const graph: CIGraph = new MultiDirectedGraph<NodeAttributes, EdgeAttributes>({ allowSelfLoops: true });
  // the graph's numbered nodes and edges (engine/graph/edge-table.ts): the plan's walks (impact index, waves) read
  // them without a graphology iteration, and graphology gets the edges only if something asks it about one
  const ids: string[] = [];
  const numberOf = new Map<string, number>();
  const place = new Int32Array(head.n);
  for (const v of nodes) {
    const id = head.id(v);
    const ci = cis.get(id) ?? (region[v] === OBJECT || v >= head.size ? undefined : unreadCI(index, id, v));
    if (!ci) return { fallback: `${id} is in the index but not in its file` };
    const members = absent.get(v);
    graph.addNode(id, members ? { ci, members } : { ci });
    place[v] = ids.length;
    numberOf.set(id, ids.length);
    ids.push(id);
  }
  // edges in the whole graph's order: each CI's declared relations in load order (the index's, or the loaded
  // document's: edge numbers past the index's), then the inferred block
  const chosen: number[] = [];
  const m = index.edgeSource.length;
  for (const v of nodes)
    for (let k = edges.out.start[v]; k < edges.out.start[v + 1]; k++) {
      const e = edges.out.edge[k];
      if ((e < index.declaredEdges || e >= m) && region[edges.target[e]]) chosen.push(e);
    }
  for (let e = index.declaredEdges; e < m; e++) if (edges.live[e] && region[edges.source[e]] && region[edges.target[e]]) chosen.push(e);
  const source = new Int32Array(chosen.length);
  const target = new Int32Array(chosen.length);
  const type = new Uint8Array(chosen.length);
  const inferred = new Uint8Array(chosen.length);
  chosen.forEach((e, k) => {
    source[k] = place[edges.source[e]];
    target[k] = place[edges.target[e]];
    type[k] = edges.type[e];
    inferred[k] = edges.inferred[e];
  });
  // held as numbers until something asks graphology about an edge (engine/graph/deferred-edges.ts): the plan's impact
  // and waves read the numbers; policies reading relations, or a delete's base graph, add them first
  deferEdges(graph, { ids, numberOf, source, target, type, inferred });
  // a path whose mode alone changed is in git's diff but not a changed file (its blob is the same)
  const changedFiles = new Set([...changed].filter((path) => baseFiles.get(path) !== sortedHead.get(path)));
  return { head: headRepo, base, headGraph: graph, diagnostics, changedFiles };
}

/**
 * A revision's files as the Git reader lists them (TreeEntry), answered from
 * the path → blob map: a load of named files only asks for those (`get`), and
 * the listing of a folder (the kind schemas, on every load) finds its paths
 * by binary search (`under`), so the entries of every file are made only if
 * something lists the whole tree.
 */
export class TreeView implements FolderListing {
  private whole?: Map<string, TreeEntry>;
  private sorted?: string[];
  constructor(private readonly files: ReadonlyMap<string, string>) {}
  *under(base: string): Generator<readonly [string, TreeEntry]> {
    if (this.files instanceof RevisionFiles) {
      for (const path of this.files.under(base)) yield [path, this.get(path)!];
      return;
    }
    const own = this.get(base);
    if (own) yield [base, own];
    // the map is in path order (the index's files, the head's merged in order): checked once, sorted if ever not
    if (!this.sorted) {
      const paths = [...this.files.keys()];
      for (let i = 1; i < paths.length; i++)
        if (paths[i - 1] > paths[i]) {
          paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          break;
        }
      this.sorted = paths;
    }
    const prefix = `${base}/`;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length && this.sorted[i].startsWith(prefix); i++) yield [this.sorted[i], this.get(this.sorted[i])!];
  }
  get size(): number {
    return this.files.size;
  }
  get(path: string): TreeEntry | undefined {
    const oid = this.files.get(path);
    return oid === undefined ? undefined : { oid, symlink: false };
  }
  has(path: string): boolean {
    return this.files.has(path);
  }
  private all(): Map<string, TreeEntry> {
    if (!this.whole) {
      this.whole = new Map();
      for (const [path, oid] of this.files) this.whole.set(path, { oid, symlink: false });
    }
    return this.whole;
  }
  forEach(fn: (value: TreeEntry, key: string, map: ReadonlyMap<string, TreeEntry>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.all()) fn.call(thisArg, v, k, this);
  }
  entries(): MapIterator<[string, TreeEntry]> {
    return this.all().entries();
  }
  keys(): MapIterator<string> {
    return this.all().keys();
  }
  values(): MapIterator<TreeEntry> {
    return this.all().values();
  }
  [Symbol.iterator](): MapIterator<[string, TreeEntry]> {
    return this.all()[Symbol.iterator]();
  }
}

/**
 * The head's CIs in the index's CI numbering, with no map of every identity:
 * CI `i` of an unchanged file is node `i`; a CI of a changed file is the node
 * of the base CI with its identity (a changed file's, else the head would
 * define it twice), or a new node from `size` on. Identities are looked up by
 * binary search over the index's `idOrder`.
 */
interface HeadNodes {
  /** The index's CI count: nodes below it are index CIs. */
  readonly size: number;
  /** Node count: `size` plus the identities the changed files add. */
  readonly n: number;
  /** 1 for a node that is a head CI (an index CI of a changed file is one only when a changed file still defines it). */
  readonly alive: Uint8Array;
  /** The node of each changed file's head CI (`headChanged[k]`). */
  readonly nodeOf: Int32Array;
  /** A head CI's node, or undefined. */
  lookup(id: string): number | undefined;
  id(v: number): string;
  /** The file defining node `v` in the head. */
  fileOf(v: number): string;
  /** Load order (sorted files, then documents) is by `rank`, then `within`. */
  rank(v: number): number;
  within(v: number): number;
  /** Whether CI v is one of a changed file's (its rank and position are not its index number's). */
  changed(v: number): boolean;
  /** Every head identity in load order (did-you-mean asks, on its first miss only). */
  ids(): string[];
}

/** The CI number of `id` in the index, or -1 (binary search over `idOrder`). */
function indexNumber(index: RevisionIndex, id: string): number {
  let lo = 0;
  let hi = index.idOrder.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = packedAt(index.ids, index.idOrder[mid]);
    if (at === id) return index.idOrder[mid];
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The head's nodes, or undefined when the head defines an identity twice. */
function headNodes(index: RevisionIndex, changedFile: Uint8Array, headChanged: readonly CI[]): HeadNodes | undefined {
  const size = packedCount(index.ids);
  const nodeOf = new Int32Array(headChanged.length);
  const byId = new Map<string, number>();
  const extra: string[] = [];
  const alive = new Uint8Array(size + headChanged.length);
  for (let i = 0; i < size; i++) alive[i] = changedFile[index.fileOf[i]] ? 0 : 1;
  const changedAt = new Map<number, number>();
  for (let k = 0; k < headChanged.length; k++) {
    const id = headChanged[k].id;
    if (byId.has(id)) return undefined;
    const i = indexNumber(index, id);
    if (i >= 0 && !changedFile[index.fileOf[i]]) return undefined;
    const v = i >= 0 ? i : size + extra.push(id) - 1;
    nodeOf[k] = v;
    alive[v] = 1;
    byId.set(id, v);
    changedAt.set(v, k);
  }
  // where each changed file's CIs go among the index's: before the first index CI of a file sorting after theirs
  const insertAt = headChanged.map((c) => {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (packedAt(index.files, index.fileOf[mid]) < c.origin.file) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
  const k = (v: number) => changedAt.get(v);
  return {
    size,
    n: size + extra.length,
    alive: alive.subarray(0, size + extra.length),
    nodeOf,
    lookup: (id) => {
      const v = byId.get(id);
      if (v !== undefined) return v;
      const i = indexNumber(index, id);
      return i >= 0 && alive[i] ? i : undefined;
    },
    id: (v) => (v < size ? packedAt(index.ids, v) : extra[v - size]),
    fileOf: (v) => {
      const at = k(v);
      return at === undefined ? packedAt(index.files, index.fileOf[v]) : headChanged[at].origin.file;
    },
    rank: (v) => {
      const at = k(v);
      return at === undefined ? v : insertAt[at];
    },
    within: (v) => k(v) ?? headChanged.length,
    changed: (v) => changedAt.has(v),
    ids: () => {
      const out: string[] = [];
      let at = 0;
      for (let i = 0; i < size; i++) {
        if (!alive[i] || changedAt.has(i)) continue;
        while (at < headChanged.length && insertAt[at] <= i) out.push(headChanged[at++].id);
        out.push(packedAt(index.ids, i));
      }
      while (at < headChanged.length) out.push(headChanged[at++].id);
      return out;
    },
  };
}

/**
 * The head graph's edges in node numbers: the index's edges (numbers below
 * its edge count) and the edges drawn afresh from the loaded documents (past
 * it), with the adjacency both ways over the live ones.
 */
interface HeadEdges {
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly type: Uint8Array;
  readonly inferred: Uint8Array;
  /** 1 for an edge of the head graph: an index edge is not when a loaded document redraws its source's relations, or an end is gone. */
  readonly live: Uint8Array;
  readonly out: Csr;
  readonly into: Csr;
  /** Set when an edge the index did not hold closes a cycle of a type that may not have one. */
  readonly cycle?: string;
}

const TYPE_CODE = new Map(RELATION_TYPES.map((r, i) => [r.type, i]));

/**
 * The head's edges: the index's, less the declared relations of every CI
 * whose file was read (changed, or read on every review) and those to or from
 * a removed CI, plus the loaded CIs' declared relations drawn afresh (the
 * inferred block stays the index's: indexedRevisions fell back wherever it
 * could change). Edges drawn afresh are checked for cycles through the rest.
 */
function headEdges(index: RevisionIndex, head: HeadNodes, loaded: readonly CI[]): HeadEdges {
  const m = index.edgeSource.length;
  let capacity = m;
  for (const ci of loaded) capacity += ci.relations.length;
  const source = new Int32Array(capacity);
  const target = new Int32Array(capacity);
  const type = new Uint8Array(capacity);
  const inferred = new Uint8Array(capacity);
  source.set(index.edgeSource);
  target.set(index.edgeTarget);
  type.set(index.edgeType);
  inferred.set(index.edgeInferred);
  const redrawn = new Uint8Array(head.n);
  let f = m;
  for (const ci of loaded) {
    const h = head.lookup(ci.id);
    if (h === undefined || redrawn[h]) continue;
    redrawn[h] = 1;
    const seen = new Set<string>();
    for (const r of ci.relations) {
      if (!isRelationType(r.type)) continue;
      const id = r.targetId || refToId(r.target, ci.namespace);
      const t = id === undefined ? undefined : head.lookup(id);
      if (t === undefined || seen.has(`${r.type} ${t}`)) continue;
      seen.add(`${r.type} ${t}`);
      source[f] = h;
      target[f] = t;
      type[f] = TYPE_CODE.get(r.type)!;
      inferred[f++] = r.inferred ? 1 : 0;
    }
  }
  const live = new Uint8Array(f).fill(1);
  const alive = head.alive;
  for (let e = 0; e < m; e++) if (!alive[source[e]] || !alive[target[e]] || (e < index.declaredEdges && redrawn[source[e]])) live[e] = 0;
  const edges = {
    source: source.subarray(0, f),
    target: target.subarray(0, f),
    type: type.subarray(0, f),
    inferred: inferred.subarray(0, f),
    live,
    out: csr(head.n, source.subarray(0, f), live),
    into: csr(head.n, target.subarray(0, f), live),
  };
  // the base has no cycle (else it has no index), so a cycle of the head runs through an edge the base did not have:
  // only those are walked from (a loaded CI's relations are mostly the base's)
  const added: number[] = [];
  for (let e = m; e < f; e++) if (!baseHasEdge(index, source[e], target[e], type[e])) added.push(e);
  const cycle = freshCycle(edges, head.n, added);
  return cycle ? { ...edges, cycle } : edges;
}

/** Whether the index's declared edges (grouped by source in CI order) hold `source → target` of relation `type`. */
function baseHasEdge(index: RevisionIndex, source: number, target: number, type: number): boolean {
  const size = packedCount(index.ids);
  if (source >= size || target >= size) return false;
  let lo = 0;
  let hi = index.declaredEdges;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.edgeSource[mid] < source) lo = mid + 1;
    else hi = mid;
  }
  for (let e = lo; e < index.declaredEdges && index.edgeSource[e] === source; e++)
    if (index.edgeTarget[e] === target && index.edgeType[e] === type) return true;
  return false;
}

/** The type of the first edge of `fresh` that lies on a cycle of its own type (one that may not form cycles), if any. */
function freshCycle(edges: Omit<HeadEdges, 'cycle'>, n: number, fresh: readonly number[]): string | undefined {
  if (!fresh.length) return undefined;
  const adjacency = edges.out;
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

/** The live edges grouped by one end: the edges of node v are `edge[start[v] … start[v+1])`, in edge order. */
function csr(n: number, by: Int32Array, live: Uint8Array): Csr {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < by.length; e++) if (live[e]) start[by[e] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const edge = new Int32Array(start[n]);
  for (let e = 0; e < by.length; e++) if (live[e]) edge[fill[by[e]]++] = e;
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
  head: HeadNodes,
  edges: HeadEdges,
  differing: readonly CI[],
  deleted: ReadonlySet<number>,
): { region: Uint8Array; absentMembers: ReadonlyMap<number, number> } {
  const n = head.n;
  const region = new Uint8Array(n);
  const { out, into } = edges;
  const travels = RELATION_TYPES.map((r) => r.travels);
  // every CI of a changed file is compared (and listed, a noop when its document is the same); only those that differ are planned
  for (const v of head.nodeOf) region[v] = 1;
  const changed: number[] = differing.map((ci) => head.lookup(ci.id)!);
  // a deleted CI lives in the base graph: the head graph plus it and its base edges (base-graph.ts)
  const deletedNeighbours: number[] = [];
  const deletedReceivers: number[] = [];
  const deletedPrerequisites: number[] = [];
  if (deleted.size) {
    for (let e = 0; e < index.edgeSource.length; e++) {
      const s = index.edgeSource[e];
      const t = index.edgeTarget[e];
      const travel = travels[index.edgeType[e]];
      if (deleted.has(s)) {
        if (!head.alive[t]) continue;
        deletedNeighbours.push(t);
        if (travel === 'source-to-target' || travel === 'both') deletedReceivers.push(t);
        if (travel === 'source-to-target') deletedPrerequisites.push(t);
      }
      if (deleted.has(t)) {
        if (!head.alive[s]) continue;
        deletedNeighbours.push(s);
        if (travel === 'target-to-source' || travel === 'both') deletedReceivers.push(s);
        if (travel === 'target-to-source') deletedPrerequisites.push(s);
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
  for (const v of reachedImpact) region[v] = 1;
  // redundancy groups: whole alternativeTo components of what is reached
  for (const v of closure(n, reachedImpact, out, into, edges, (type) => type === alternative)) region[v] = 1;
  // waves: the prerequisites that order applies (forward) and deletes (reversed), transitively
  const forward = (type: number, outward: boolean) => travels[type] === (outward ? 'target-to-source' : 'source-to-target');
  const waves = closure(n, changed, out, into, edges, forward);
  for (const v of waves) region[v] = 1;
  for (const v of closure(n, deletedPrerequisites, out, into, edges, (type, outward) => forward(type, !outward))) region[v] = 1;
  // the changed CIs' documents are read; of the others the walks read only what the index holds (unreadCI)
  for (const v of head.nodeOf) region[v] = OBJECT;
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
 * than its identity, kind, apiVersion, whether it is a Kubernetes object and
 * its `spec.minUp` and `spec.criticality` (unreadCI): the review then runs in
 * full (run-review.ts), so a walk this module does not know about can cost
 * time, never a wrong answer.
 */
export class UnreadCIError extends Error {
  constructor(
    readonly ci: string,
    readonly property: string,
  ) {
    super(`the indexed review did not load ${ci} (read: ${property})`);
  }
}

/**
 * The graph's CI for an unchanged CI whose document the review does not read:
 * identity, kind, apiVersion, `kubernetes`, and of its document only
 * `object.spec.minUp` and `object.spec.criticality` (the index's, as written;
 * undefined when unset) — all the plan's walks read of a CI they do not
 * change (waves: kind and apiVersion; impact: a group's minUp, a business
 * service's criticality). Anything else throws UnreadCIError.
 */
function unreadCI(index: RevisionIndex, id: string, i: number): CI {
  let lo = 0;
  let hi = index.specOf.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (index.specOf[mid] === i) {
      at = mid;
      break;
    }
    if (index.specOf[mid] < i) lo = mid + 1;
    else hi = mid - 1;
  }
  const guard = <T extends object>(path: string, known: Record<string, unknown>): T =>
    new Proxy(known, {
      get(target, property) {
        if (typeof property === 'symbol' || property === 'then') return undefined;
        if (!Object.hasOwn(target, property)) throw new UnreadCIError(id, `${path}${property}`);
        return target[property];
      },
    }) as T;
  const spec = guard<Record<string, unknown>>('object.spec.', {
    minUp: at < 0 ? undefined : index.minUp[at],
    criticality: at < 0 ? undefined : index.criticality[at],
  });
  return guard<CI>('', {
    id,
    kind: index.kinds[index.kindOf[i]],
    apiVersion: index.apiVersions[index.apiVersionOf[i]],
    kubernetes: index.kubernetes[i] === 1,
    object: guard('object.', { spec }),
  });
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
