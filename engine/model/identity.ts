import { CLUSTER_SCOPED_KINDS, customKindKey } from './cluster-scoped.js';
import { identityKind } from './kubernetes-kinds.js';
import { CLUSTER_NAMESPACE, DEFAULT_NAMESPACE, makeId } from './reference.js';

export interface Identity {
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** apiVersion is not `plumb.io/*`. */
  readonly kubernetes: boolean;
}

/**
 * The identity of an observed document, by the loader's rules for desired ones
 * (engine/load/to-ci.ts) — so matching by identity cannot disagree with what
 * was loaded: kind lowercased, namespace `default` when absent, `_cluster` for
 * cluster-scoped Kubernetes kinds (built-in ones, and `group/Kind` keys of
 * CRDs declared `scope: Cluster`). Undefined when the document has no string
 * `kind` or `metadata.name`.
 */
export function identityOf(object: unknown, clusterScopedCustomKinds: ReadonlySet<string> = new Set()): Identity | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const o = object as Record<string, unknown>;
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof o.kind !== 'string' || !o.kind || typeof meta !== 'object' || meta === null) return undefined;
  const name = meta.name;
  if (typeof name !== 'string' || !name) return undefined;
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const kubernetes = !(apiVersion === 'plumb.io' || apiVersion.startsWith('plumb.io/')); // as isPlumbApiVersion in load/to-ci.ts
  const clusterScoped =
    kubernetes && ((CLUSTER_SCOPED_KINDS.has(o.kind) && isCoreOrBuiltinGroup(apiVersion)) || clusterScopedCustomKinds.has(customKindKey(apiVersion, o.kind)));
  const namespace = clusterScoped ? CLUSTER_NAMESPACE : typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : DEFAULT_NAMESPACE;
  return { id: makeId(kubernetes ? identityKind(apiVersion, o.kind) : o.kind, namespace, name), kind: o.kind, namespace, name, kubernetes };
}

/** Same rule as the loader's: core (`v1`), dotless groups (`apps`) and `*.k8s.io`. */
function isCoreOrBuiltinGroup(apiVersion: string): boolean {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return !group.includes('.') || group.endsWith('.k8s.io');
}
