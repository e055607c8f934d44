import { DEFAULT_CONFIG } from '../config/types.js';
import type { CI, Origin, RawDocument, Relation, SourceLocator } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { identityKind } from '../model/kubernetes-kinds.js';
import { CLUSTER_NAMESPACE, DEFAULT_NAMESPACE, makeId, refToId } from '../model/reference.js';
import { CLUSTER_SCOPED_KINDS, customKindKey } from '../model/cluster-scoped.js';
import { isPlainObject, setOwn } from '../model/plain-object.js';
import { COMPLEX_KEY_HINT, COMPLEX_KEY_MESSAGE, readYamlValue, YamlTextError } from '../yaml/yaml-documents.js';

/** The annotation Kubernetes objects carry their declared relations in. */
export const RELATIONS_ANNOTATION = 'plumb.io/relations';
const RELATIONS_ANNOTATION_POINTER = '/metadata/annotations/plumb.io~1relations';

type Locate = (origin: Origin, pointer: string) => { line: number; column: number; file?: string };

/** True for plumb's own documents (`plumb.io/v1`…); anything else is a Kubernetes object. */
export function isPlumbApiVersion(apiVersion: string): boolean {
  return apiVersion === 'plumb.io' || apiVersion.startsWith('plumb.io/');
}

/** Policy and PolicyException documents, wherever they are found. */
export function isPolicyDocument(value: Record<string, unknown>): boolean {
  return typeof value.apiVersion === 'string' && isPlumbApiVersion(value.apiVersion) && (value.kind === 'Policy' || value.kind === 'PolicyException');
}

/**
 * Interprets one raw document as a CI: identity (kind lowercased; namespace
 * `default`, or `_cluster` for cluster-scoped Kubernetes kinds), declared
 * relations, labels, annotations, owner and source. Only the three identity
 * fields are required here; everything else is the schema's to judge
 * (engine/validate/), so a malformed relation entry is skipped, not reported.
 */
export function toCI(
  doc: RawDocument,
  context: { clusterScopedCustomKinds: ReadonlySet<string>; locate: Locate; intern?: (text: string) => string },
): { ci?: CI; diagnostics: Diagnostic[] } {
  const object = doc.value as Record<string, unknown>;
  const metadata = isPlainObject(object.metadata) ? object.metadata : undefined;
  const missing = [
    typeof object.apiVersion === 'string' && object.apiVersion ? undefined : ['apiVersion', '/apiVersion'],
    typeof object.kind === 'string' && object.kind ? undefined : ['kind', '/kind'],
    typeof metadata?.name === 'string' && metadata.name ? undefined : ['metadata.name', '/metadata/name'],
  ].filter((m): m is string[] => m !== undefined);
  if (missing.length === 1 && missing[0][0] === 'metadata.name' && typeof metadata?.generateName === 'string' && metadata.generateName) {
    return { diagnostics: [generateNameOnly(doc.origin, metadata.generateName, object.kind, context.locate)] };
  }
  if (missing.length) {
    return { diagnostics: missing.map(([field, pointer]) => missingField(doc.origin, field, pointer, context.locate)) };
  }

  const apiVersion = object.apiVersion as string;
  const kind = object.kind as string;
  const name = metadata!.name as string;
  const kubernetes = !isPlumbApiVersion(apiVersion);
  const clusterScoped =
    kubernetes &&
    ((CLUSTER_SCOPED_KINDS.has(kind) && isCoreOrBuiltinGroup(apiVersion)) || context.clusterScopedCustomKinds.has(customKindKey(apiVersion, kind)));
  const declaredNamespace = typeof metadata!.namespace === 'string' && metadata!.namespace ? metadata!.namespace : DEFAULT_NAMESPACE;
  const namespace = clusterScoped ? CLUSTER_NAMESPACE : declaredNamespace;
  const annotations = stringEntries(metadata!.annotations);
  const diagnostics: Diagnostic[] = [];

  const intern = context.intern ?? same;
  const written = kubernetes ? parseRelationsAnnotation(annotations[RELATIONS_ANNOTATION]) : undefined;
  const relations = kubernetes
    ? annotationRelations(written, annotations[RELATIONS_ANNOTATION] !== undefined, namespace, doc.origin, context.locate, diagnostics, intern)
    : declaredRelations(object.relations, namespace, undefined, intern);

  const ci: CI = {
    id: intern(makeId(kubernetes ? identityKind(apiVersion, kind) : kind, namespace, name)),
    apiVersion,
    kind,
    name,
    namespace,
    labels: stringEntries(metadata!.labels),
    annotations,
    ...(typeof metadata!.owner === 'string' ? { owner: metadata!.owner } : {}),
    relations,
    ...(isPlainObject(object.source) && typeof object.source.provider === 'string' ? { source: object.source as SourceLocator } : {}),
    kubernetes,
    object,
    origin: doc.origin,
    ...(doc.secrets?.length ? { secretPointers: doc.secrets } : {}),
  };
  if (written !== undefined && !(written instanceof YamlTextError)) annotationEntries.set(ci, written);
  return { ci, diagnostics };
}

/**
 * The `plumb.io/relations` annotation of each Kubernetes CI as parsed by
 * {@link toCI}, so validation reads the entries as written
 * (engine/validate/written-relations.ts) without parsing the text again (it
 * was parsed twice, once with `yaml`: 1.3 s of a 100k plan). Keyed by the CI
 * value; a CI made elsewhere (a copy, a cache) is parsed on demand.
 */
const annotationEntries = new WeakMap<CI, unknown>();

/**
 * The entries of a Kubernetes CI's `plumb.io/relations` annotation as written
 * (any JSON value; undefined when the annotation is absent or not YAML).
 */
export function relationsAnnotationEntries(ci: CI): unknown {
  if (annotationEntries.has(ci)) return annotationEntries.get(ci);
  const parsed = parseRelationsAnnotation(ci.annotations[RELATIONS_ANNOTATION]);
  const value = parsed instanceof YamlTextError ? undefined : parsed;
  if (value !== undefined) annotationEntries.set(ci, value);
  return value;
}

/**
 * Parses the annotation's text once, by the inventory's rules ({@link readYamlValue}: js-yaml when the text
 * uses nothing only `yaml` reads the same, else `yaml` with the loader's alias limit). Undefined when absent;
 * the refusal when not YAML.
 */
function parseRelationsAnnotation(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return readYamlValue(text, { maxAliases: DEFAULT_CONFIG.limits.maxAliases });
  } catch (e) {
    if (e instanceof YamlTextError) return e;
    throw e;
  }
}

/**
 * The built-in cluster-scoped kinds belong to Kubernetes API groups (`v1`,
 * `rbac.authorization.k8s.io/v1`, `storage.k8s.io/v1`…): a custom resource that
 * happens to be called `Node` in some other group is not one of them.
 */
function isCoreOrBuiltinGroup(apiVersion: string): boolean {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return !group.includes('.') || group.endsWith('.k8s.io');
}

const same = (text: string) => text;

/** What a CI without labels, annotations or relations holds: one frozen empty value for all of them (5 MB at 100k CIs). */
const NONE: Readonly<Record<string, string>> = Object.freeze({});
const NO_RELATIONS: readonly Relation[] = Object.freeze([]);

/** `/relations/0` … `/relations/15`, one string each for every CI. */
const RELATION_POINTERS = Array.from({ length: 16 }, (_, i) => `/relations/${i}`);

/**
 * The relations a list declares, each at `pointer` (the annotation's) or else at
 * `/relations/<i>`. `intern` gives equal identities one string: a reference
 * built by concatenation is a tree of string pieces, several times the size of
 * the flat text, and 100k CIs declare 128k relations to 31k targets.
 */
function declaredRelations(entries: unknown, namespace: string, pointer: string | undefined, intern: (text: string) => string): readonly Relation[] {
  if (!Array.isArray(entries) || entries.length === 0) return NO_RELATIONS;
  const relations: Relation[] = [];
  entries.forEach((entry, i) => {
    if (!isPlainObject(entry) || typeof entry.type !== 'string' || typeof entry.target !== 'string') return;
    const targetId = refToId(entry.target, namespace);
    if (targetId === undefined) return; // malformed reference: validation reports it against the schema/pattern
    relations.push({
      type: entry.type,
      target: entry.target,
      targetId: intern(targetId),
      inferred: false,
      pointer: pointer ?? RELATION_POINTERS[i] ?? `/relations/${i}`,
    });
  });
  // an array grown by push keeps room for 16 more; a CI keeps its relations for the whole run
  return relations.length ? relations.slice() : NO_RELATIONS;
}

function annotationRelations(
  entries: unknown,
  present: boolean,
  namespace: string,
  origin: Origin,
  locate: Locate,
  diagnostics: Diagnostic[],
  intern: (text: string) => string,
): readonly Relation[] {
  if (!present) return NO_RELATIONS;
  if (entries instanceof YamlTextError && entries.code === 'yaml.complex-key') {
    diagnostics.push({
      severity: 'error',
      code: 'yaml.complex-key',
      message: `annotation ${RELATIONS_ANNOTATION}: ${COMPLEX_KEY_MESSAGE} (line ${entries.line}, column ${entries.column} of its text)`,
      hint: COMPLEX_KEY_HINT,
      file: origin.file,
      ...locate(origin, RELATIONS_ANNOTATION_POINTER),
    });
    return NO_RELATIONS;
  }
  if (!Array.isArray(entries)) {
    diagnostics.push({
      severity: 'error',
      code: 'ci.relations-annotation',
      message: `annotation ${RELATIONS_ANNOTATION} is not a yaml list of {type, target}`,
      hint: 'write it as e.g. "[{type: dependsOn, target: database:shop/orders-db}]"',
      file: origin.file,
      ...locate(origin, RELATIONS_ANNOTATION_POINTER),
    });
    return NO_RELATIONS;
  }
  return declaredRelations(entries, namespace, RELATIONS_ANNOTATION_POINTER, intern);
}

/**
 * An object with only `metadata.generateName` gets a new name from the API
 * server on every create, so there is no identity to compare with what exists:
 * every plan would create another one and none could ever be updated, pruned or
 * backed up. plumb refuses it: an error in the repository's own files, a warning
 * for a rendered object (a chart's Job), which is then left out.
 */
function generateNameOnly(origin: Origin, generateName: string, kind: unknown, locate: Locate): Diagnostic {
  const rendered = origin.render !== undefined;
  const where = locate(origin, '/metadata/generateName');
  return {
    severity: rendered ? 'warning' : 'error',
    code: 'ci.generate-name',
    message: `${String(kind)} ${generateName}… has only metadata.generateName; plumb identifies objects by name, so it cannot tell whether this one exists${rendered ? ` and leaves it out of ${origin.render!.unit}` : ''}`,
    hint: rendered
      ? 'give it metadata.name in the chart (or values) to manage it with plumb, or create it with the tool that runs it'
      : 'give it metadata.name; an object created anew on every apply (a one-off Job) belongs to kubectl create, not the desired state',
    file: where.file ?? origin.file,
    line: where.line,
    column: where.column,
  };
}

function missingField(origin: Origin, field: string, pointer: string, locate: Locate): Diagnostic {
  return {
    severity: 'error',
    code: 'ci.missing-field',
    message: `document has no ${field}`,
    hint: 'every configuration item needs apiVersion, kind and metadata.name (strings)',
    file: origin.file,
    ...locate(origin, pointer),
  };
}

/**
 * A mapping's string-valued entries. A plain object whose values are all
 * strings (labels and annotations as written, nearly always) is itself the
 * answer, shared with the document rather than copied (11 MB at 100k CIs);
 * neither side is ever changed in place.
 */
function stringEntries(value: unknown): Readonly<Record<string, string>> {
  if (!isPlainObject(value)) return NONE;
  if (Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every((v) => typeof v === 'string')) return value as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') setOwn(out, k, v);
  return out;
}
