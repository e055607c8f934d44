/**
 * Hand-made LoadedRepository values for unit tests of validation and the graph,
 * so those tests do not depend on the loader. `ci({...})` builds a CI the way the
 * loader would (identity, namespace default, relations with pointers); `makeRepo`
 * wraps CIs and schemas with a fake `locate` that returns predictable positions.
 */
import { identityKind } from '../../engine/model/kubernetes-kinds.js';
import type { CI, Relation } from '../../engine/model/ci.js';
import type { Diagnostic } from '../../engine/model/diagnostic.js';
import type { KindSchema, LoadedRepository } from '../../engine/load/types.js';
import { DEFAULT_CONFIG } from '../../engine/config/types.js';
import { CLUSTER_NAMESPACE, DEFAULT_NAMESPACE, makeId, refToId } from '../../engine/model/reference.js';

const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);

export interface CIInput {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: string;
  spec?: Record<string, unknown>;
  /** Extra top-level fields of the document (data, stringData… for Kubernetes). */
  extra?: Record<string, unknown>;
  relations?: Array<{ type: string; target: string }>;
  /** Defaults to `inventory/<kind>-<name>.yaml`, line 1. */
  file?: string;
  line?: number;
  doc?: number;
}

/** A CI as the loader would produce it. Kubernetes objects when apiVersion is not plumb.io/*. */
export function ci(input: CIInput): CI {
  const apiVersion = input.apiVersion ?? 'plumb.io/v1';
  const kubernetes = !apiVersion.startsWith('plumb.io/');
  const namespace = input.namespace ?? (kubernetes && CLUSTER_SCOPED.has(input.kind) ? CLUSTER_NAMESPACE : DEFAULT_NAMESPACE);
  const annotations: Record<string, string> = { ...(input.annotations ?? {}) };
  if (kubernetes && input.relations) annotations['plumb.io/relations'] = JSON.stringify(input.relations);
  const metadata: Record<string, unknown> = { name: input.name };
  if (input.namespace) metadata.namespace = input.namespace;
  if (input.labels) metadata.labels = input.labels;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  if (input.owner) metadata.owner = input.owner;
  const object: Record<string, unknown> = { apiVersion, kind: input.kind, metadata };
  if (input.spec) object.spec = input.spec;
  Object.assign(object, input.extra ?? {});
  if (input.relations && !kubernetes) object.relations = input.relations;
  // As the loader does: a relation whose target is not a reference is dropped (validation reads it from the document).
  const relations: Relation[] = (input.relations ?? []).flatMap((r, i) => {
    const targetId = refToId(r.target, namespace);
    if (targetId === undefined) return [];
    const pointer = kubernetes ? '/metadata/annotations/plumb.io~1relations' : `/relations/${i}`;
    return [{ type: r.type, target: r.target, targetId, inferred: false, pointer }];
  });
  return {
    id: makeId(kubernetes ? identityKind(apiVersion, input.kind) : input.kind, namespace, input.name),
    apiVersion,
    kind: input.kind,
    name: input.name,
    namespace,
    labels: input.labels ?? {},
    annotations,
    owner: input.owner,
    relations,
    kubernetes,
    object,
    origin: {
      file: input.file ?? `inventory/${input.kind.toLowerCase()}-${input.name}.yaml`,
      doc: input.doc ?? 0,
      line: input.line ?? 1,
      column: 1,
    },
  };
}

/** A permissive schema for a kind: the document must be an object with the given kind. */
export function kindSchema(kind: string, spec: Record<string, unknown> = { type: 'object' }): KindSchema {
  return {
    kind,
    file: `schemas/${kind}.schema.json`,
    schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['apiVersion', 'kind', 'metadata'],
      properties: { apiVersion: { const: 'plumb.io/v1' }, kind: { const: kind }, spec },
    },
  };
}

/**
 * The fake `locate`: the position of a pointer is `line = origin.line + depth`
 * of the pointer and `column = 1 + 2 × depth`, and `pointers` records every call,
 * so tests can assert which field a diagnostic was placed at.
 */
export function makeRepo(options: { cis: CI[]; schemas?: KindSchema[]; diagnostics?: Diagnostic[]; root?: string }): LoadedRepository & {
  located: string[];
} {
  const located: string[] = [];
  return {
    root: options.root ?? '/repo',
    revision: 'worktree',
    config: DEFAULT_CONFIG,
    cis: options.cis,
    policyDocuments: [],
    schemas: new Map((options.schemas ?? []).map((s) => [s.kind, s])),
    files: new Map(options.cis.map((c) => [c.origin.file, 'hash'])),
    diagnostics: options.diagnostics ?? [],
    located,
    locate(origin, pointer) {
      located.push(`${origin.file}#${pointer}`);
      const depth = pointer === '' ? 0 : pointer.split('/').length - 1;
      return { line: origin.line + depth, column: 1 + 2 * depth };
    },
  };
}
