import type { CI } from '../model/ci.js';
import { groupOf, isBuiltinGroup } from '../model/kubernetes-kinds.js';

/**
 * The order Helm (`InstallOrder`) and kapp apply Kubernetes kinds in, with
 * CustomResourceDefinitions moved up beside Namespaces as kapp does: namespaces
 * and CRDs, policies, ServiceAccounts, Secrets and ConfigMaps, storage, RBAC
 * with roles before their bindings, Services before the workloads they select,
 * workloads, autoscalers, ingresses, and last the APIServices and admission
 * webhooks, which must not be registered before the Service and workload behind
 * them (an APIService without a backend makes the next discovery fail; a webhook
 * without one blocks every write it intercepts). plumb's own kinds and custom
 * resources come after the built-in kinds they may need, before APIServices
 * and webhooks.
 */
const INSTALL_ORDER = [
  'Namespace',
  'CustomResourceDefinition',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
];
const LAST = ['APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

const RANK = new Map<string, number>([...INSTALL_ORDER.map((k, i) => [k, i] as const), ...LAST.map((k, i) => [k, INSTALL_ORDER.length + 1 + i] as const)]);
const OTHER = INSTALL_ORDER.length;

/** The rank of a CI's kind in the install order (lower first); plumb kinds and custom resources share one rank. */
export function kindRank(ci: CI | undefined): number {
  if (!ci?.kubernetes || !isBuiltinGroup(groupOf(ci.apiVersion))) return OTHER;
  return RANK.get(ci.kind) ?? OTHER;
}
