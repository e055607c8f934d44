import type { RawDocument } from './ci.js';

/** Built-in Kubernetes kinds that live outside any namespace (identity namespace `_cluster`). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'StorageVersion',
  'IPAddress',
  'ServiceCIDR',
  'DeviceClass',
  'ResourceSlice',
  'DeviceTaintRule',
  'VolumeAttributesClass',
  'StorageVersionMigration',
  'TokenReview',
  'SelfSubjectReview',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'SubjectAccessReview',
  'ComponentStatus',
]);

/**
 * Custom kinds that CRDs in the inventory declare `scope: Cluster`, as
 * `group/Kind` keys (see `customKindKey`). Collected over all documents first,
 * because a CRD may come after the objects it defines.
 */
export function clusterScopedCustomKinds(documents: Iterable<RawDocument>): Set<string> {
  const kinds = new Set<string>();
  for (const { value } of documents) {
    const doc = value as { apiVersion?: unknown; kind?: unknown; spec?: { scope?: unknown; group?: unknown; names?: { kind?: unknown } } };
    if (doc.kind !== 'CustomResourceDefinition' || typeof doc.apiVersion !== 'string') continue;
    if (!doc.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const { scope, group, names } = doc.spec ?? {};
    if (scope === 'Cluster' && typeof group === 'string' && typeof names?.kind === 'string') kinds.add(`${group}/${names.kind}`);
  }
  return kinds;
}

/** `group/Kind` of an object from its apiVersion (`group/version`; core `v1` has the group `''`). */
export function customKindKey(apiVersion: string, kind: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return `${slash < 0 ? '' : apiVersion.slice(0, slash)}/${kind}`;
}
