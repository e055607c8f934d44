import { createHash } from 'node:crypto';
import type { ContentCache } from '../cache/content-cache.js';
import type { LoadedRepository } from '../load/types.js';
import type { CI } from '../model/ci.js';
import { canonicalJson } from '../model/canonical-json.js';
import { holdsSecretValues, secretKindSchemas, type KindSchemaOf } from '../redact/scrubber.js';
import type { RenderedUnit } from '../render/render-stage.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { checkCapacity } from './check-capacity.js';
import { kubernetesFindings } from './check-kubernetes.js';
import { addInventoryCrds, checkKubernetesTypes } from './check-kubernetes-types.js';
import { SchemaSet } from '../kubernetes-schema/schema-set.js';
import { checkKinds } from './check-kinds.js';
import { checkNames } from './check-names.js';
import { checkSchemas } from './check-schemas.js';
import { createKindValidators } from './kind-validators.js';
import { checkScope } from './check-scope.js';
import { at, type Locate } from './place.js';

/** Namespace of per-file validation results in the content cache. */
const VALIDATE_NAMESPACE = 'validate';

/**
 * The diagnostics of the checks that look at one CI at a time, check by check
 * (validate.ts concatenates them in this order before sorting): kinds, schemas,
 * names, basic Kubernetes findings, Kubernetes types, scope, capacity.
 */
export type LocalDiagnostics = [Diagnostic[], Diagnostic[], Diagnostic[], Diagnostic[], Diagnostic[], Diagnostic[], Diagnostic[]];

/**
 * Runs the per-CI checks, file by file, and serves a file's results from the
 * content cache when its blob was validated before in the same context. Sound
 * because each of these checks is a function of the CI alone and of three
 * things the context key covers: the kind schemas, the inventory's
 * CustomResourceDefinitions (custom resources' types and scope) and the
 * identities the file's documents became (namespace defaults depend on
 * cluster-scoped custom kinds). The key holds the file's path as well as its
 * blob id, because the results name the file they are about. The built-in Kubernetes schemas change only
 * with plumb, which salts every key. A rendered object is kept under its unit's
 * render key, its origin and its document (renderedKey). Files without a blob
 * id, CIs holding a secret or SOPS-decrypted value (a finding may quote it),
 * and CIs whose identity is defined twice (the basic findings of one copy
 * mute the type findings of the other) are always checked afresh.
 *
 * When every file is as a run before saw it — same blob ids, paths,
 * identities and context, in the same order — one entry answers for the whole
 * repository (its key: repositoryKey): a warm plan at 100k CIs read 10k file
 * entries and hashed 10k groups of identities, 0.64 CPU-s, for what is one
 * answer. A change to any file misses it, and the files are answered one by one
 * as before (their entries are still written), the new whole entry beside.
 *
 * The result equals running each check over all CIs, in the same order.
 */
export function localChecks(repo: LoadedRepository, locate: Locate, cache: ContentCache | undefined): LocalDiagnostics {
  const out: LocalDiagnostics = [[], [], [], [], [], [], []];
  const groups: CI[][] = [];
  const byFile = new Map<string, CI[]>();
  const seen = new Map<string, number>();
  for (const ci of repo.cis) {
    seen.set(ci.id, (seen.get(ci.id) ?? 0) + 1);
    const key = ci.origin.render ? undefined : ci.origin.file;
    let group = key === undefined ? undefined : byFile.get(key);
    if (!group) {
      group = [];
      groups.push(group);
      if (key !== undefined) byFile.set(key, group);
    }
    group.push(ci);
  }
  const context = cache ? contextKey(repo) : '';
  const schemaOf = secretKindSchemas(repo.schemas);
  // custom resources are checked against every CRD of the inventory: one schema set, built when first needed
  let schemaSet: SchemaSet | undefined;
  const schemas = () => {
    if (!schemaSet) addInventoryCrds((schemaSet = new SchemaSet()), repo.cis);
    return schemaSet;
  };
  const crds = repo.cis.filter((c) => c.kind === 'CustomResourceDefinition');
  let validators: ReturnType<typeof createKindValidators> | undefined;
  const validate = () => (validators ??= createKindValidators(repo.schemas));
  const units = new Map((repo.renders ?? []).map((u) => [u.id, u]));
  // a rendered object's content key stands for a blob id; a decrypted value's or a secret's has none (checked afresh)
  const blobs = groups.map((group) =>
    group[0].origin.render ? renderedKey(group[0], units, schemaOf) : group[0].secretPointers?.length ? undefined : repo.files.get(group[0].origin.file),
  );
  // every file as a run before saw it (blobs, paths, identities, context): one entry answers for all of them
  const wholeKey = cache ? repositoryKey(groups, blobs, context) : '';
  const whole = cache ? cache.get<RepositoryResults>(VALIDATE_NAMESPACE, wholeKey) : undefined;
  const answered = whole !== undefined && whole.length === groups.length ? whole : undefined;
  const results: RepositoryResults = [];
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    const first = group[0];
    const blob = blobs[g];
    let stored: LocalDiagnostics | undefined;
    let cacheable: boolean;
    if (answered) {
      // the whole entry says which files were kept (null: a file with secret values or a duplicated identity, checked afresh)
      stored = answered[g] ?? undefined;
      cacheable = stored !== undefined;
    } else {
      // findings about a Secret, or a CI with a field its kind's schema marks x-plumb-secret, may quote its values: not kept on disk
      cacheable =
        cache !== undefined &&
        blob !== undefined &&
        group.every((c) => seen.get(c.id) === 1 && !c.secretPointers?.length && !holdsSecretValues(c.object, schemaOf));
    }
    // the path too: the results name their file (file:line), so a renamed or copied blob, or the same blob in another repository sharing the cache, must not be answered with another path's diagnostics
    const key = cacheable && !answered ? `${blob}\0${first.origin.file}\0${context}\0${idsHash(group)}` : '';
    if (cacheable && !answered) stored = cache!.get<LocalDiagnostics>(VALIDATE_NAMESPACE, key);
    // a copy of an identity elsewhere mutes type findings its basic findings already made (check-kubernetes-types.ts)
    const twins =
      cacheable || !group.some((g) => (seen.get(g.id) ?? 0) > 1)
        ? []
        : repo.cis.filter((c) => (seen.get(c.id) ?? 0) > 1 && !group.includes(c) && group.some((g) => g.id === c.id));
    const result = stored ?? checkGroup(group, repo, locate, { schemas, validate }, crds, twins);
    // a finding placed at its document's start because this run could not read the file's text again (no git for a
    // revision's) is this run's place, not the file's: not kept (LoadedRepository.textUnread)
    if (!stored && cacheable && !repo.textUnread?.()) cache!.set(VALIDATE_NAMESPACE, key, result);
    results.push(cacheable ? result : null);
    for (let i = 0; i < out.length; i++) for (const d of result[i]) out[i].push(d);
  }
  if (cache && !answered && !repo.textUnread?.()) cache.set(VALIDATE_NAMESPACE, wholeKey, results);
  cache?.flush();
  // a kind schema that does not compile is reported once, where its first CI is (checkSchemas does so per call)
  const broken = new Set<string>();
  out[1] = out[1].filter((d) => d.code !== 'schema.invalid' || (!broken.has(d.message) && Boolean(broken.add(d.message))));
  return out;
}

function checkGroup(
  cis: readonly CI[],
  repo: LoadedRepository,
  locate: Locate,
  shared: { schemas: () => SchemaSet; validate: () => ReturnType<typeof createKindValidators> },
  crds: readonly CI[],
  twins: readonly CI[],
): LocalDiagnostics {
  const { known, diagnostics: kinds } = checkKinds(cis, repo.schemas, locate);
  const basic = kubernetesFindings(cis);
  const muting = twins.length ? [...basic, ...kubernetesFindings(twins)] : basic;
  // a custom resource's scope is known when a CRD anywhere in the inventory defines it; CRDs are cluster-scoped and never reported by checkScope
  const others = crds.filter((c) => !cis.includes(c));
  return [
    kinds,
    known.some((c) => !c.kubernetes) ? checkSchemas(known, repo.schemas, locate, shared.validate()) : [],
    checkNames(cis, locate),
    basic.map((f) => at(locate, f)),
    cis.some((c) => c.kubernetes) ? checkKubernetesTypes(cis, locate, shared.schemas(), muting, false) : [],
    others.length ? checkScope([...others, ...cis], locate).filter((d) => !others.some((c) => c.id === d.ci)) : checkScope(cis, locate),
    checkCapacity(cis, locate),
  ];
}

const contexts = new WeakMap<LoadedRepository, string>();

/** What every file's local results depend on beyond its own content: the kind schemas and the inventory's CRDs (once per loaded repository). */
export function contextKey(repo: LoadedRepository): string {
  let key = contexts.get(repo);
  if (key === undefined) {
    const hash = createHash('sha256');
    for (const [kind, s] of [...repo.schemas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${kind}\0${s.file}\0${canonicalJson(s.schema)}\n`);
    for (const ci of repo.cis) if (ci.kind === 'CustomResourceDefinition') hash.update(`crd\0${ci.id}\0${canonicalJson(ci.object)}\n`);
    key = hash.digest('hex');
    contexts.set(repo, key);
  }
  return key;
}

/**
 * The whole repository's results, one per group of {@link localChecks} in its
 * order: a file's kept diagnostics, or `null` for a group checked afresh every
 * time (rendered objects, a file without a blob id, a file with secret values
 * or a duplicated identity).
 */
type RepositoryResults = (LocalDiagnostics | null)[];

/**
 * The key of a whole repository's results: the context and, per group in order,
 * what each file's own key holds — blob id (or none), path and identities.
 * Every file's key the same and in the same order: every file's results the
 * same, and which of them could be kept (the secret rule reads the documents,
 * which the blobs and the context's schemas fix; the duplicate rule reads the
 * identities, all in the key).
 */
function repositoryKey(groups: readonly (readonly CI[])[], blobs: readonly (string | undefined)[], context: string): string {
  const hash = createHash('sha256');
  hash.update(`repository\0${context}\n`);
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    let line = `${blobs[g] ?? (group[0].origin.render ? '(rendered)' : '(no blob)')}\0${group[0].origin.file}`;
    for (const ci of group) line += `\0${ci.id}`;
    hash.update(`${line}\n`);
  }
  return hash.digest('hex');
}

function idsHash(cis: readonly CI[]): string {
  const hash = createHash('sha1');
  for (const ci of cis) hash.update(`${ci.id}\0`);
  return hash.digest('hex');
}

/**
 * What stands for a rendered object's blob id in its key: a SHA-256 of its
 * unit's render key (tool, version, settings, every input's path and blob id:
 * what `locate` reads to place a finding in a patch or a values line), its
 * origin and its document — a chart may render otherwise from the same inputs,
 * and the checks read what it rendered. Undefined (checked afresh, as every
 * rendered object was before) for a unit that did not render, and for a
 * document holding a secret value or a decrypted one: no hash of it is made.
 */
function renderedKey(ci: CI, units: ReadonlyMap<string, RenderedUnit>, schemaOf: KindSchemaOf): string | undefined {
  const unit = units.get(ci.origin.render!.unit);
  if (!unit || (unit.status !== 'rendered' && unit.status !== 'cached')) return undefined;
  if (ci.secretPointers?.length || holdsSecretValues(ci.object, schemaOf)) return undefined;
  return `rendered:${createHash('sha256')
    .update(`${unit.key}\0${canonicalJson(ci.origin)}\0${canonicalJson(ci.object)}`)
    .digest('hex')}`;
}
