/**
 * Kubernetes' built-in kinds, and the part the API group plays in identity.
 *
 * An identity is `kind:namespace/name`. For the objects people write most —
 * built-in kinds, and custom kinds whose name no built-in kind uses — the kind
 * alone names the type. A custom resource whose kind is also a built-in kind
 * (Knative's `serving.knative.dev` Service, a `Deployment` of some operator) is a
 * different type: its identity kind is qualified by its group, as kubectl writes
 * resources (`service.serving.knative.dev:shop/web`), so it can never be matched,
 * diffed or pruned as the core object of the same name.
 */
export const BUILTIN_KINDS: ReadonlySet<string> = new Set([
  'Binding',
  'ComponentStatus',
  'ConfigMap',
  'Endpoints',
  'Event',
  'LimitRange',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Pod',
  'PodTemplate',
  'ReplicationController',
  'ResourceQuota',
  'Secret',
  'Service',
  'ServiceAccount',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'CustomResourceDefinition',
  'APIService',
  'ControllerRevision',
  'DaemonSet',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'TokenReview',
  'SelfSubjectReview',
  'LocalSubjectAccessReview',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'SubjectAccessReview',
  'HorizontalPodAutoscaler',
  'CronJob',
  'Job',
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  'PodCertificateRequest',
  'Lease',
  'LeaseCandidate',
  'EndpointSlice',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'StorageVersion',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'IPAddress',
  'ServiceCIDR',
  'RuntimeClass',
  'PodDisruptionBudget',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'DeviceClass',
  'ResourceClaim',
  'ResourceClaimTemplate',
  'ResourceSlice',
  'DeviceTaintRule',
  'PriorityClass',
  'CSIDriver',
  'CSINode',
  'CSIStorageCapacity',
  'StorageClass',
  'VolumeAttachment',
  'VolumeAttributesClass',
  'StorageVersionMigration',
  'Workload',
]);

/** The API group of an apiVersion (`apps/v1` → `apps`, core `v1` → `''`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Kubernetes' own groups: core (`v1`), dotless groups (`apps`) and `*.k8s.io`. */
export function isBuiltinGroup(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * The kind part of a Kubernetes object's identity (before lowercasing): the kind,
 * or `Kind.group` for a custom kind that shares its name with a built-in one.
 *
 * @example identityKind('serving.knative.dev/v1', 'Service') === 'Service.serving.knative.dev'
 */
export function identityKind(apiVersion: string, kind: string): string {
  const group = groupOf(apiVersion);
  return BUILTIN_KINDS.has(kind) && !isBuiltinGroup(group) ? `${kind}.${group}` : kind;
}
