import { execFileSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeUtf8 } from '../yaml/decode-utf8.js';
import { loadConfig, locateRepository } from '../config/load-config.js';
import type { CI, RawDocument } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { PlumbError } from '../model/errors.js';
import { clusterScopedCustomKinds } from '../model/cluster-scoped.js';
import { gitBlobId } from './blob-id.js';
import type { FileSource, SourceFile } from './file-source.js';
import type { TreeEntry } from './list-tree.js';
import { compileGlob, globBases, matchesAny } from './glob.js';
import { loadKindSchemas } from './kind-schemas.js';
import { holdsSecretValues, registerSecretsOf, secretKindSchemas, secretScrubber } from '../redact/scrubber.js';
import { createLocator } from './locate.js';
import { WorktreeManifest } from './worktree-manifest.js';
import { readWorktreeFileAgain } from './worktree-source.js';
import { openSource, type GitReader } from './open-source.js';
import { builtinSchemasDir } from '../config/package-dir.js';
import { parseYamlFile } from './parse-yaml.js';
import { compactDocuments } from './compact-documents.js';
import { readTextFiles } from './read-files.js';
import { isPolicyDocument, toCI } from './to-ci.js';
import type { LoadedRepository } from './types.js';
import type { PlumbConfig } from '../config/types.js';
import { expandLists } from '../render/expand-lists.js';
import { renderStage, type RenderCache } from '../render/render-stage.js';
import { decryptedValues, decryptSops, encryptedPointers, isSopsEncrypted } from '../render/sops.js';
import { discoverUnits, mayHaveUnits } from '../render/units.js';
import { defaultContentCache, rememberContentCache, withContentCache, type ContentCache } from '../cache/content-cache.js';

export interface LoadRepositoryOptions {
  /** The repository directory (`--repo`); taken as is. Without it, plumb.yaml is searched upwards from `cwd`. */
  readonly repo?: string;
  readonly cwd?: string;
  /** A branch, tag or commit to read instead of the work tree (`--rev`). */
  readonly rev?: string;
  /** Override of the built-in kind schemas directory (tests). */
  readonly builtinSchemasDir?: string;
  /** Which Git reader serves `rev` (default `auto`: native git when on PATH). */
  readonly gitReader?: GitReader;
  /** Set false to parse everything with `yaml` (benchmarks, equivalence tests). */
  readonly fastParse?: boolean;
  /**
   * Parsed files by Git blob id, shared between loads: a file whose blob was
   * parsed before (e.g. by the other side of a review) is neither read nor
   * parsed again. Filled as files are parsed.
   */
  readonly parseCache?: ParseCache;
  /**
   * The persistent cache behind `parseCache` and the render cache (engine/cache):
   * default the one PLUMB_CACHE_DIR / XDG names (none with PLUMB_CACHE=off);
   * `false` reads and parses everything afresh (benchmarks' cold runs).
   */
  readonly contentCache?: ContentCache | false;
  /**
   * Loads only what differs from another revision (a review's base, against its
   * head): an inventory file whose Git blob id equals the one `files` gives for
   * its path is listed and recorded in `files` but neither read, parsed nor
   * interpreted — its CIs and policies are the other revision's. `documents`
   * yields those files' CustomResourceDefinitions on the other side, which
   * decide the identities of custom resources everywhere (cluster scope).
   * The result's `cis` and `policyDocuments` then hold the differing files' only.
   */
  readonly unchangedFrom?: { readonly files: ReadonlyMap<string, string>; readonly documents: () => Iterable<RawDocument> };
  /**
   * The inventory and policy files to load, chosen by the caller (the indexed
   * review, engine/review/indexed-review.ts: a pull request's changed files and
   * the few its answer reads), sorted by path, each with its blob id — instead
   * of listing the revision and matching plumb.yaml's globs against every file.
   * The result then holds these files' CIs, policies and diagnostics (and
   * plumb.yaml's and the kind schemas', read as always); `files` lists only
   * what was read; no `load.no-inventory` warning (the caller knows the rest).
   */
  readonly only?: readonly SourceFile[];
  /**
   * A Git revision's files as the caller already knows them (path → blob id),
   * read instead of listing the revision's tree with `git ls-tree`: must hold
   * plumb.yaml, the kind schemas and every file `only` names, with their blob
   * ids in `rev` (the indexed review: the base's index, with the pull request's
   * diff applied for the head). When `rev` is a commit's full id (the caller
   * resolved it), git is not asked to resolve it again.
   */
  readonly tree?: ReadonlyMap<string, TreeEntry>;
  /**
   * Rendered units by key (engine/render): default the process-wide cache, so
   * an unchanged unit is rendered once per process; `false` renders afresh.
   */
  readonly renderCache?: RenderCache | false;
  /**
   * The target being planned (`--target`; default plumb.yaml's defaultTarget):
   * its `kubeVersion` and `apiVersions` settings are what `helm template` renders
   * for, before plumb.yaml's `render.kubeVersion` / `render.apiVersions`.
   */
  readonly target?: string;
  /** Kubernetes version and API versions to render for (override the target's and plumb.yaml's). */
  readonly capabilities?: { readonly kubeVersion?: string; readonly apiVersions?: readonly string[] };
  /**
   * Asks the target for its Kubernetes version and API versions (plan: the
   * kubernetes provider's discovery, engine/plan/render-capabilities.ts). Called
   * once, only when a chart is rendered and plumb.yaml leaves kubeVersion or
   * apiVersions unset; plumb.yaml's values win over its answer.
   */
  readonly targetCapabilities?: (config: PlumbConfig, root: string) => Promise<TargetCapabilities>;
  /**
   * Called once plumb.yaml is read, before the inventory is: a plan opens its
   * targets' providers here, so their round trips overlap the load. Must not throw.
   */
  readonly onConfig?: (config: PlumbConfig, root: string) => void;
  /** Environment of the render tools and sops (default process.env: SOPS_AGE_KEY_FILE, PLUMB_HELM…). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A target's answer for rendering: what it serves, or warnings saying why it did not answer. */
export interface TargetCapabilities {
  readonly kubeVersion?: string;
  readonly apiVersions?: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * One parsed file, by content: documents and YAML-level diagnostics, and its
 * text (for positions) when this process read it. Entries kept on disk carry no
 * text: a hit needs it only to place a diagnostic, and then reads it again
 * (see `textOf` in the loader).
 */
export interface ParsedEntry {
  readonly text?: string;
  readonly documents: readonly RawDocument[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Parsed files by Git blob id, in memory (a Map will do); the persistent tier is `LoadRepositoryOptions.contentCache`. */
export interface ParseCache {
  get(blob: string): ParsedEntry | undefined;
  set(blob: string, entry: ParsedEntry): unknown;
}

/** Namespace of parsed files in the content cache. */
const PARSE_NAMESPACE = 'parse';
/** Namespace of a revision's file texts in the content cache (for positions only; the work tree is read again instead). */
const TEXT_NAMESPACE = 'text';

/** A cached parse under the path this revision gives the blob (a rename keeps the blob). */
function atPath<T extends { file?: string }>(items: readonly T[], from: string, to: string): T[] {
  return from === to ? [...items] : items.map((i) => (i.file === from ? { ...i, file: to } : i));
}

/**
 * Loads the desired state: finds the repository, reads plumb.yaml, lists and
 * reads the inventory and policy files (work tree or `--rev`), parses them,
 * interprets inventory documents as CIs, and gathers the kind schemas.
 *
 * Bad input never throws: every problem becomes a diagnostic and the rest
 * still loads. Only a repository that cannot be opened at all throws a
 * PlumbError (`load.repo-not-found`, `config.not-found`, `git.not-a-repository`, `git.unknown-rev`).
 * Output order is the sorted order of file paths, then document order.
 */
export async function loadRepository(options: LoadRepositoryOptions = {}): Promise<LoadedRepository> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = await locateRepository({ repo: options.repo, cwd });
  const source = await openSource({ root, rev: options.rev, gitReader: options.gitReader, tree: options.tree });
  try {
    // the caller's choice reaches the caches the loader's callees open themselves (kind validators, render tool versions)
    return await withContentCache(options.contentCache, () => loadFromSource(source, options));
  } finally {
    await source.close();
  }
}

async function loadFromSource(source: FileSource, options: LoadRepositoryOptions): Promise<LoadedRepository> {
  const files = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];

  const { config, diagnostics: configDiagnostics } = await loadConfig({
    root: source.root,
    read: async (path) => {
      const bytes = await source.read(path);
      if (bytes) files.set(path, gitBlobId(bytes));
      return bytes;
    },
  });
  diagnostics.push(...configDiagnostics);
  if (!configDiagnostics.some((d) => d.severity === 'error')) options.onConfig?.(config, source.root);

  const inventory = config.inventory.map(compileGlob);
  const policies = config.policies.map(compileGlob);
  const disk = options.contentCache === false ? undefined : (options.contentCache ?? defaultContentCache());
  // the work tree's stat manifest: an unchanged file's blob id without reading it (worktree-manifest.ts)
  const manifest = source.revision === 'worktree' && disk ? new WorktreeManifest(disk, source.root) : undefined;
  manifest?.listing();
  const listed = options.only ? { files: [...options.only], diagnostics: [] } : await source.list(globBases([...inventory, ...policies]));
  diagnostics.push(...listed.diagnostics);
  const isInventory = (path: string) => matchesAny(inventory, path);
  // Kustomize units and Helm charts (engine/render): their files are rendered, not loaded one by one
  const discovery = mayHaveUnits(listed.files, isInventory, config.render)
    ? await discoverUnits(source, listed.files, isInventory, config.render, config.file)
    : undefined;
  if (discovery) diagnostics.push(...discovery.diagnostics);
  const claimed = discovery?.claimed;
  const wanted = listed.files.filter((f) => !claimed?.has(f.path) && (matchesAny(inventory, f.path) || matchesAny(policies, f.path)));
  if (!options.only && !listed.files.some((f) => matchesAny(inventory, f.path))) {
    diagnostics.push({
      severity: 'warning',
      code: 'load.no-inventory',
      message: `no files match the inventory globs: ${config.inventory.join(', ')}`,
      hint: 'add CI files there, or set `inventory:` in plumb.yaml',
      ...(config.file ? { file: config.file } : {}),
    });
  }

  // the kind schemas first: which fields are secret (x-plumb-secret) decides what may be written to the content cache
  const kindSchemas = await loadKindSchemas({
    builtinDir: options.builtinSchemasDir ?? builtinSchemasDir(),
    source,
    schemasDir: config.schemas,
    onFileRead: (path, bytes, oid) => files.set(path, oid ?? gitBlobId(bytes)),
  });
  const mayStore = cacheableDocument(kindSchemas);
  const texts = new Map<string, string>();
  const parsed: { path: string; documents: RawDocument[]; diagnostics: Diagnostic[] }[] = new Array(wanted.length);
  const memory = options.parseCache;
  // the same bytes parse alike only under the same settings: they are part of the persistent key
  const diskKey = (blob: string) => `${blob}\0${config.limits.maxAliases}\0${options.fastParse !== false}`;
  const lookup = (blob: string): ParsedEntry | undefined => {
    const inMemory = memory?.get(blob);
    if (inMemory || !disk) return inMemory;
    const stored = disk.get<ParsedEntry>(PARSE_NAMESPACE, diskKey(blob));
    if (stored) memory?.set(blob, stored);
    // written before its kind's schema marked a field it holds x-plumb-secret: not kept any longer
    if (stored && !stored.documents.every((d) => mayStore(d.value))) {
      disk.forget(PARSE_NAMESPACE, diskKey(blob));
      disk.forget(TEXT_NAMESPACE, blob);
    }
    return stored;
  };
  // File texts are needed only to place a diagnostic (locate): the work tree's are
  // read again when asked (textOf), so a load holds no copy of them beside the
  // one the parsed values may keep; a revision's parsed here are kept, or stored in
  // the content cache when it is on.
  const worktree = source.revision === 'worktree';
  const takeHit = (index: number, path: string, blob: string, hit: ParsedEntry) => {
    const from = hit.documents[0]?.origin.file ?? hit.diagnostics[0]?.file ?? path;
    if (hit.text !== undefined && !worktree) texts.set(path, hit.text);
    files.set(path, blob);
    parsed[index] = {
      path,
      documents: hit.documents.map((d) => (d.origin.file === path ? d : { ...d, origin: { ...d.origin, file: path } })),
      diagnostics: atPath(hit.diagnostics, from, path),
    };
  };
  const toRead: { file: (typeof wanted)[number]; index: number }[] = [];
  const encrypted: { index: number; path: string; text: string }[] = [];
  const same = options.unchangedFrom?.files;
  wanted.forEach((file, index) => {
    if (same && file.oid !== undefined && same.get(file.path) === file.oid && isInventory(file.path)) {
      files.set(file.path, file.oid);
      parsed[index] = { path: file.path, documents: [], diagnostics: [] };
      return;
    }
    const blob = file.oid ?? manifest?.blobOf(file);
    const hit = blob !== undefined ? lookup(blob) : undefined;
    // a miss is read, and a work-tree file hashed from the bytes read (never taken from the manifest)
    if (!hit) return toRead.push({ file, index });
    takeHit(index, file.path, blob!, hit);
  });
  await readTextFiles(
    source,
    toRead.map((r) => r.file),
    config.limits.maxFileBytes,
    (result, i) => {
      const index = toRead[i].index;
      if (result.text === undefined) {
        parsed[index] = { path: result.path, documents: [], diagnostics: result.diagnostics };
        return;
      }
      // a work-tree file: its blob id is known once it is read
      const hit = result.hash !== undefined && toRead[i].file.oid === undefined ? lookup(result.hash) : undefined;
      if (hit) return takeHit(index, result.path, result.hash!, hit);
      if (isSopsEncrypted(result.text, result.path)) {
        texts.set(result.path, result.text);
        // decrypted below (async); never cached, in memory or on disk: the result depends on the keys at hand, and plaintext never touches the disk
        parsed[index] = { path: result.path, documents: [], diagnostics: [] };
        encrypted.push({ index, path: result.path, text: result.text });
        return;
      }
      // compacted: the values no longer hold the file's text alive (compact-documents.ts)
      const parsedFile = parseYamlFile(result.text, result.path, { maxAliases: config.limits.maxAliases, fast: options.fastParse });
      const file = { documents: compactDocuments(parsedFile.documents), diagnostics: parsedFile.diagnostics };
      parsed[index] = { path: result.path, documents: file.documents, diagnostics: file.diagnostics };
      // secret values stay in memory: plaintext from Git never reaches the cache directory (neither in a parse nor as the file's text).
      // A file that did not parse is never stored: what it holds cannot be known — a broken Secret spelt `kind: "Secr\x65t"` or
      // `{kind: Secret}` gets past any look at the text — and broken files are few and short-lived
      const storable = !file.diagnostics.some((d) => d.severity === 'error') && file.documents.every((d) => mayStore(d.value));
      if (result.hash !== undefined) {
        memory?.set(result.hash, { text: result.text, documents: file.documents, diagnostics: file.diagnostics });
        if (storable) disk?.set(PARSE_NAMESPACE, diskKey(result.hash), { documents: file.documents, diagnostics: file.diagnostics });
      }
      if (!worktree) {
        if (disk && storable && result.hash !== undefined) disk.set(TEXT_NAMESPACE, result.hash, result.text);
        else texts.set(result.path, result.text);
      }
    },
  ).then((results) => results.forEach((r) => r.hash !== undefined && files.set(r.path, r.hash)));
  const sops = new Map<string, 'decrypted' | 'failed'>();
  for (const e of encrypted) {
    // SOPS: decrypted by the sops binary into memory; a file that cannot be decrypted is a diagnostic and loads nothing
    const result = await decryptSops(e.text, e.path, { timeoutMs: config.render.timeoutSeconds * 1000, env: options.env });
    sops.set(e.path, 'diagnostic' in result ? 'failed' : 'decrypted');
    if ('diagnostic' in result) {
      parsed[e.index] = { path: e.path, documents: [], diagnostics: [result.diagnostic] };
      continue;
    }
    const pointers = encryptedPointers(e.text);
    // the decrypted values are secrets in every output, whatever the kind (scrubbed from any text plumb writes)
    secretScrubber.addAll(decryptedValues(result.text, pointers));
    const file = parseYamlFile(result.text, e.path, { maxAliases: config.limits.maxAliases, fast: false });
    const documents = file.documents.map((d) =>
      pointers[d.origin.doc]?.length ? { ...d, value: withoutSopsBlock(d.value), secrets: pointers[d.origin.doc] } : { ...d, value: withoutSopsBlock(d.value) },
    );
    // positions come from the encrypted text (same structure); the plaintext is never kept beside it
    parsed[e.index] = { path: e.path, documents, diagnostics: file.diagnostics.map((d) => ({ ...d, message: d.message.replace(/"[^"]*"/g, '(value)') })) };
  }
  for (const p of parsed) diagnostics.push(...p.diagnostics);

  let capabilities: { kubeVersion?: string; apiVersions?: readonly string[] } | undefined;
  if (discovery?.units.length) {
    capabilities = renderCapabilities(config, options.target, options.capabilities);
    if (discovery.units.some((u) => u.tool === 'helm') && (!capabilities.kubeVersion || !capabilities.apiVersions) && options.targetCapabilities) {
      // plumb.yaml's values first, then what the target serves (as Argo CD's repo-server asks the cluster)
      const asked = await options.targetCapabilities(config, source.root);
      diagnostics.push(...asked.diagnostics);
      capabilities = { kubeVersion: capabilities.kubeVersion ?? asked.kubeVersion, apiVersions: capabilities.apiVersions ?? asked.apiVersions };
    }
  }
  const rendered = discovery?.units.length
    ? await renderStage({ source, discovery, config, capabilities, cache: options.renderCache, disk, mayStore, files, texts, env: options.env })
    : undefined;
  if (rendered) diagnostics.push(...rendered.diagnostics);

  const { locate, textUnread } = positionsLocator(texts, files, disk, source.root, source.revision);
  const expand = (doc: RawDocument) => expandLists(doc, (pointer) => locate({ ...doc.origin, pointer: undefined }, pointer));
  const inventoryDocuments = [
    ...parsed
      .filter((p) => isInventory(p.path))
      .flatMap((p) => p.documents.filter((d) => !isPolicyDocument(d.value as Record<string, unknown>)).flatMap(expand)),
    ...(rendered?.documents ?? []),
  ];
  const clusterKinds = clusterScopedCustomKinds(options.unchangedFrom ? [...inventoryDocuments, ...options.unchangedFrom.documents()] : inventoryDocuments);
  const cis: CI[] = [];
  const policyDocuments: RawDocument[] = [];
  for (const { path, documents } of parsed) {
    for (const doc of documents) {
      if (isPolicyDocument(doc.value as Record<string, unknown>) || !isInventory(path)) policyDocuments.push(doc);
    }
  }
  rememberContentCache(policyDocuments, options.contentCache);
  // and plumb.yaml's health.checks, whose CEL apply and validate compile later (engine/apply/health-rules.ts)
  if (config.health?.checks) rememberContentCache(config.health.checks, options.contentCache);
  // identities and references as one flat string each (to-ci.ts); the table goes with the load
  const interned = new Map<string, string>();
  const intern = (text: string) => {
    const held = interned.get(text);
    if (held !== undefined) return held;
    interned.set(text, text);
    return text;
  };
  for (const doc of inventoryDocuments) {
    const { ci, diagnostics: ciDiagnostics } = toCI(doc, { clusterScopedCustomKinds: clusterKinds, locate, intern });
    diagnostics.push(...ciDiagnostics);
    if (ci) cis.push(ci);
  }

  diagnostics.push(...kindSchemas.diagnostics);
  manifest?.save(wanted, (path) => files.get(path));
  // what this load parsed reaches the disk in a few bucket files, not one file per entry
  disk?.flush();
  // Every secret of the desired state is known to the scrubber before any output is written.
  for (const ci of cis) registerSecretsOf(ci.object, kindSchemas.schemas.get(ci.kind)?.schema);

  return {
    root: source.root,
    revision: source.revision,
    config,
    cis,
    policyDocuments,
    schemas: kindSchemas.schemas,
    files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    diagnostics,
    locate,
    textUnread,
    ...(kindSchemas.diagnostics.some((d) => d.severity === 'error') ? { secretFieldsUnknown: true } : {}),
    ...(rendered ? { renders: rendered.renders } : {}),
    ...(sops.size ? { sops } : {}),
  };
}

/**
 * The Kubernetes version and API versions plumb.yaml sets for rendering: the
 * caller's override, then the target's own `kubeVersion` / `apiVersions`, then
 * `render.kubeVersion` / `render.apiVersions`; a value none of them sets is
 * undefined (asked of the target, else helm's default).
 */
function renderCapabilities(
  config: LoadedRepository['config'],
  name: string | undefined,
  override: LoadRepositoryOptions['capabilities'],
): { kubeVersion?: string; apiVersions?: readonly string[] } {
  const target = config.targets[name ?? config.defaultTarget ?? ''];
  const kubeVersion = override?.kubeVersion ?? (typeof target?.kubeVersion === 'string' ? target.kubeVersion : undefined) ?? config.render.kubeVersion;
  const apiVersions =
    override?.apiVersions ??
    (Array.isArray(target?.apiVersions) ? target.apiVersions.filter((a): a is string => typeof a === 'string') : undefined) ??
    (config.render.apiVersions.length ? config.render.apiVersions : undefined);
  return { ...(kubeVersion ? { kubeVersion } : {}), ...(apiVersions ? { apiVersions } : {}) };
}

/**
 * The load's `locate` (engine/load/locate.ts), its file texts found in
 * `texts`, else in the content cache by blob id, else read again. Built here,
 * apart from the loader's body: a closure keeps its whole scope alive, and the
 * loader's holds every parsed document and its wrappers (12 MB at 100k CIs)
 * for as long as a plan keeps `locate`.
 */
function positionsLocator(
  texts: ReadonlyMap<string, string>,
  files: ReadonlyMap<string, string>,
  disk: ContentCache | undefined,
  root: string,
  revision: string,
): { locate: LoadedRepository['locate']; textUnread: () => boolean } {
  // a loaded file whose text is gone: its positions fall back to the document's start, for this run only
  let unread = false;
  const locate = createLocator((file) => {
    const held = texts.get(file);
    if (held !== undefined) return held;
    const blob = files.get(file);
    if (blob === undefined) return undefined;
    const stored = disk?.get<unknown>(TEXT_NAMESPACE, blob);
    const text = typeof stored === 'string' ? stored : readTextAgain(root, revision, file, blob);
    if (text === undefined) unread = true;
    return text;
  });
  return { locate, textUnread: () => unread };
}

/**
 * A loaded file's text read again for positions: from the work tree, or from Git
 * by blob id for a revision (`git cat-file`, when git is on PATH). Undefined
 * when it is gone or no longer holds the blob that was loaded (edited since):
 * positions then fall back to the document's start, never to a line of
 * other content.
 */
function readTextAgain(root: string, revision: string, path: string, blob: string): string | undefined {
  let bytes: Uint8Array | undefined;
  try {
    bytes =
      revision === 'worktree'
        ? // a loaded file swapped for a FIFO since would block a plain readFileSync for good
          readWorktreeFileAgain(root, path)
        : execFileSync('git', ['-C', root, 'cat-file', 'blob', blob], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  if (bytes === undefined || gitBlobId(bytes) !== blob) return undefined;
  const decoded = decodeUtf8(bytes, path);
  return 'text' in decoded ? decoded.text : undefined;
}

/** A decrypted document without its `sops` metadata block (never part of the desired state). */
function withoutSopsBlock(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('sops' in value)) return value;
  const { sops: _sops, ...rest } = value as Record<string, unknown>;
  return rest;
}

/**
 * Whether a document may be written to the persistent content cache (a parse
 * entry holds its file's text, a render entry its objects): not when it holds
 * a secret value — a Kubernetes Secret's, or a field its kind's schema marks
 * `x-plumb-secret` (plumb's own schemas and the repository's). When a
 * repository kind schema could not be read, which fields are secret is not
 * known, and nothing is written.
 */
export function cacheableDocument(kindSchemas: {
  schemas: ReadonlyMap<string, { schema: unknown }>;
  diagnostics: readonly Diagnostic[];
}): (document: unknown) => boolean {
  if (kindSchemas.diagnostics.some((d) => d.severity === 'error')) return () => false;
  const schemaOf = secretKindSchemas(kindSchemas.schemas);
  return (document) => !holdsSecretValues(document, schemaOf);
}
