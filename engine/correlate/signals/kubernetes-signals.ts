import { identityKind } from '../../model/kubernetes-kinds.js';
import type { HealthEvent } from '../events.js';

type Obj = Record<string, any>;

/** Kinds whose steady-state health is read from their status (plus any object with a Ready condition). */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** Kinds that have no health of their own: no event, ever. */
const NO_HEALTH: ReadonlySet<string> = new Set([
  'ConfigMap',
  'Secret',
  'Service',
  'ServiceAccount',
  'Namespace',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'NetworkPolicy',
  'LimitRange',
  'ResourceQuota',
  'PodDisruptionBudget',
  'Ingress',
  'IngressClass',
  'PriorityClass',
  'StorageClass',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'HorizontalPodAutoscaler',
  'Endpoints',
  'EndpointSlice',
]);

/**
 * The kind a CI's health is read by ({@link kubernetesEvents}, {@link hasHealth}): its identity kind, so a custom kind
 * named like a built-in one (`Deployment.example.com`, Volcano's `Job.batch.volcano.sh`) is read by the generic
 * Ready rule — not taken for a workload with replicas, nor for a ConfigMap with no health.
 */
export function healthKindOf(ci: { readonly apiVersion: string; readonly kind: string }): string {
  return identityKind(ci.apiVersion, ci.kind);
}

/** Does this live object have a health of its own to watch? */
export function hasHealth(kind: string): boolean {
  return !NO_HEALTH.has(kind);
}

/**
 * The steady-state health of one live Kubernetes object as a health event —
 * what a monitor sees, not a rollout in progress (that is apply's health wait):
 *
 * | object | failing when | kind | severity |
 * |---|---|---|---|
 * | Deployment, StatefulSet, ReplicaSet | fewer available (ready) replicas than `spec.replicas` | `unavailable` | `critical` at 0 available, else `major` |
 * | DaemonSet | fewer available pods than scheduled | `unavailable` | as above |
 * | Deployment | Progressing reason ProgressDeadlineExceeded | `unavailable` | `major` (with the message) |
 * | Job | condition Failed=True | `job-failed` | `major` |
 * | anything else with a Ready (or Available) condition | it is not True | `not-ready` | `major` |
 *
 * Otherwise `cleared` for that kind. `undefined` for objects without a health
 * of their own (ConfigMap, Service…), a Job still running, and a scaled-to-zero
 * workload. `gone` (the object does not exist) is `unavailable`, critical.
 */
export function kubernetesEvents(ci: string, live: Obj | undefined, kind: string, time: string): HealthEvent[] {
  const source = 'kubernetes';
  const fail = (k: string, severity: HealthEvent['severity'], detail: string): HealthEvent[] => [{ ci, kind: k, time, detail, severity, source }];
  const clear = (k: string): HealthEvent[] => [{ ci, kind: k, time, detail: 'healthy', severity: 'cleared', source }];
  if (!hasHealth(kind)) return [];
  if (!live) return WORKLOAD_KINDS.has(kind) ? fail('unavailable', 'critical', 'does not exist') : [];
  const s = live.status ?? {};
  const condition = (type: string): Obj | undefined => ((s.conditions ?? []) as Obj[]).find((c) => c?.type === type);
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const want = Number(live.spec?.replicas ?? 1);
      if (want === 0) return clear('unavailable');
      const progressing = condition('Progressing');
      const have = Number(kind === 'StatefulSet' ? (s.readyReplicas ?? 0) : (s.availableReplicas ?? 0));
      if (have < want)
        return fail('unavailable', have === 0 ? 'critical' : 'major', `${have}/${want} replicas ${kind === 'StatefulSet' ? 'ready' : 'available'}`);
      if (progressing?.reason === 'ProgressDeadlineExceeded')
        return fail('unavailable', 'major', `rollout stuck: ${progressing.message ?? 'progress deadline exceeded'}`);
      return clear('unavailable');
    }
    case 'DaemonSet': {
      const want = Number(s.desiredNumberScheduled ?? 0);
      const have = Number(s.numberAvailable ?? 0);
      if (want > 0 && have < want) return fail('unavailable', have === 0 ? 'critical' : 'major', `${have}/${want} pods available`);
      return clear('unavailable');
    }
    case 'Job': {
      const failed = condition('Failed');
      if (failed?.status === 'True') return fail('job-failed', 'major', `${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}`);
      if (condition('Complete')?.status === 'True') return clear('job-failed');
      return [];
    }
    default: {
      const ready = condition('Ready') ?? condition('Available');
      if (!ready) return [];
      if (ready.status !== 'True')
        return fail(
          'not-ready',
          'major',
          `${ready.type}=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}`,
        );
      return clear('not-ready');
    }
  }
}
