import type { CI } from '../model/ci.js';
import { groupOf, isBuiltinGroup } from '../model/kubernetes-kinds.js';
import { isPlainObject } from '../model/plain-object.js';

/** Kubernetes kinds whose objects run pods, and so can be picked by a Service selector. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

export interface PodTemplate {
  /** The pod's labels (the template's, or a Pod's own). */
  readonly labels: Readonly<Record<string, unknown>>;
  /** The pod spec, and the JSON Pointer of it in the document. */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly pointer: string;
}

/**
 * The pod template of a workload: `spec.template` for Deployment, StatefulSet,
 * DaemonSet, ReplicaSet and Job; `spec.jobTemplate.spec.template` for CronJob;
 * the object itself for a Pod. Undefined for other kinds or a template missing, and for a custom kind that
 * shares a built-in one's name (an `example.com` Deployment, Volcano's Job): its shape is its own.
 */
export function podTemplateOf(ci: CI): PodTemplate | undefined {
  if (!ci.kubernetes || !WORKLOAD_KINDS.has(ci.kind) || !isBuiltinGroup(groupOf(ci.apiVersion))) return undefined;
  const object = ci.object;
  if (ci.kind === 'Pod') {
    const spec = object.spec;
    return isPlainObject(spec) ? { labels: ci.labels, spec, pointer: '/spec' } : undefined;
  }
  const path = ci.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
  const template = dig(object, path);
  if (!isPlainObject(template) || !isPlainObject(template.spec)) return undefined;
  const metadata = template.metadata;
  const labels = isPlainObject(metadata) && isPlainObject(metadata.labels) ? metadata.labels : {};
  return { labels, spec: template.spec, pointer: `/${path.join('/')}/spec` };
}

export function dig(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}
