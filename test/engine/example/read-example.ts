/**
 * Reads the bundled example straight from its YAML with the `yaml` package —
 * deliberately not through engine/load — so these tests state what the example
 * is, independently of the loader they help to test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type Doc = Record<string, any>;

export interface ExampleDoc {
  readonly file: string;
  readonly doc: Doc;
  readonly id: string;
}

export interface WrittenRelation {
  readonly from: string;
  readonly type: string;
  readonly target: string;
  /** The canonical identity the target names. */
  readonly targetId: string;
}

/** Cluster-scoped Kubernetes kinds the example could use (identity namespace `_cluster`). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'IngressClass',
  'CustomResourceDefinition',
]);

export function isKubernetes(doc: Doc): boolean {
  return !String(doc.apiVersion).startsWith('plumb.io/');
}

/** `kind:namespace/name`, kind lowercased (docs/architecture.md, "Configuration items"). */
export function identity(doc: Doc): string {
  const namespace = isKubernetes(doc) && CLUSTER_SCOPED.has(doc.kind) ? '_cluster' : (doc.metadata.namespace ?? 'default');
  return `${String(doc.kind).toLowerCase()}:${namespace}/${doc.metadata.name}`;
}

/** Resolves `kind:namespace/name` or `kind:name` (the referrer's namespace). */
export function resolveRef(ref: string, namespace: string): string {
  const [kind, rest] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
  return `${kind.toLowerCase()}:${rest.includes('/') ? rest : `${namespace}/${rest}`}`;
}

export function yamlFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  return readdirSync(abs)
    .flatMap((name) => (statSync(join(abs, name)).isDirectory() ? yamlFiles(join(dir, name)) : /\.ya?ml$/.test(name) ? [join(dir, name)] : []))
    .sort();
}

/** Every document under `dir`, with its file and identity; throws on any YAML error. */
export function readDocs(dir: string): ExampleDoc[] {
  return yamlFiles(dir).flatMap((file) =>
    parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
      const doc = d.toJS() as Doc;
      return { file, doc, id: identity(doc) };
    }),
  );
}

/** The relations a document writes: `relations:`, or the `plumb.io/relations` annotation of a Kubernetes object. */
export function writtenRelations({ doc, id }: ExampleDoc): WrittenRelation[] {
  const annotation = doc.metadata?.annotations?.['plumb.io/relations'];
  const list: { type: string; target: string }[] = isKubernetes(doc) ? (annotation ? parse(annotation) : []) : (doc.relations ?? []);
  const namespace = id.slice(id.indexOf(':') + 1, id.indexOf('/'));
  return list.map((r) => ({ from: id, type: r.type, target: r.target, targetId: resolveRef(r.target, namespace) }));
}

export function readYaml(file: string): Doc {
  return parse(readFileSync(join(ROOT, file), 'utf8')) as Doc;
}

export function readText(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** Every document of one file as plain data (YAML 1.2 core schema). */
export function readAll(file: string): unknown[] {
  return parseAllDocuments(readText(file)).map((d) => d.toJS());
}
