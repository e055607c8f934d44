import type { CI } from '../model/ci.js';
import { CLUSTER_NAMESPACE, makeId } from '../model/reference.js';
import { groupOf, isBuiltinGroup } from '../model/kubernetes-kinds.js';
import { isPlainObject } from '../model/plain-object.js';
import { dig, podTemplateOf } from './pod-template.js';

/**
 * An edge plumb infers from Kubernetes objects: `dependsOn` written on the
 * dependent, or `contains` written on a Namespace for what lives in it.
 */
export interface InferredEdge {
  readonly source: string;
  readonly target: string;
  readonly type: 'dependsOn' | 'contains';
  /** JSON Pointer of the field it was inferred from, in the source's document. */
  readonly pointer: string;
}

/**
 * The edges Kubernetes objects imply (docs/architecture.md, "Configuration items"):
 * - Service → each workload in its namespace whose pod labels match its selector;
 * - Ingress → each Service its rules or default backend name;
 * - workload → each ConfigMap, Secret, PersistentVolumeClaim and ServiceAccount
 *   its pod spec mounts or uses (volumes, envFrom, env valueFrom,
 *   serviceAccountName, imagePullSecrets);
 * - Namespace → everything namespaced in it (`contains`: deleting a Namespace
 *   deletes its objects, and it must exist before they can be created);
 * - custom resource → the CustomResourceDefinition that defines its kind
 *   (`dependsOn`: the CRD must be served before the resource can be applied);
 * - RoleBinding/ClusterRoleBinding → its Role/ClusterRole and ServiceAccount
 *   subjects; APIService and admission webhook configurations → the Service
 *   behind them and the workloads it selects; HorizontalPodAutoscaler → its
 *   scale target; PersistentVolumeClaim and StatefulSet volume claim templates →
 *   their StorageClass (orderingReferences).
 * Only edges whose target exists (`exists`) are returned, one per source/target
 * pair (the first field that implies it). Selector matching goes through an
 * index of workloads by namespace and label pair, so it costs the size of the
 * rarest selector pair's posting list rather than services × workloads.
 */
export function inferKubernetesEdges(cis: readonly CI[], exists: (id: string) => boolean): InferredEdge[] {
  const edges: InferredEdge[] = [];
  const seen = new Set<string>();
  // existence before the pair's key: most candidates that fail, fail there (a Namespace the inventory does
  // not declare), and then no key string is made (a 100k inventory made 60k of them for nothing)
  const push = (source: string, target: string, type: InferredEdge['type'], pointer: string): void => {
    if (target === source || !exists(target) || !exists(source)) return;
    const key = `${source}\u0000${target}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ source, target, type, pointer });
  };
  // one identity string per namespace, not one per object in it
  const namespaceIds = new Map<string, string>();
  const namespaceId = (namespace: string): string => {
    let id = namespaceIds.get(namespace);
    if (id === undefined) namespaceIds.set(namespace, (id = makeId('Namespace', CLUSTER_NAMESPACE, namespace)));
    return id;
  };
  const add = (source: CI, targetKind: string, name: unknown, pointer: string): void => {
    if (typeof name !== 'string' || name === '') return;
    push(source.id, makeId(targetKind, source.namespace, name), 'dependsOn', pointer);
  };

  const workloads = indexWorkloads(cis);
  const crds = indexCrds(cis);
  for (const ci of cis) {
    if (!ci.kubernetes) continue;
    if (ci.namespace !== CLUSTER_NAMESPACE) push(namespaceId(ci.namespace), ci.id, 'contains', '/metadata/namespace');
    const crd = crds.get(`${ci.apiVersion.split('/')[0]}\u0000${ci.kind}`);
    if (crd) push(ci.id, crd, 'dependsOn', '/apiVersion');
    // a built-in kind's references for Kubernetes' own groups only: a Knative Service has no selector, Knative's
    // networking Ingress no backends of that shape
    const kind = isBuiltinGroup(groupOf(ci.apiVersion)) ? ci.kind : '';
    if (kind === 'Service') {
      for (const workload of selectedWorkloads(ci, workloads)) add(ci, workload.kind, workload.name, '/spec/selector');
    } else if (kind === 'Ingress') {
      for (const [name, pointer] of ingressBackends(ci.object)) add(ci, 'Service', name, pointer);
    }
    const template = podTemplateOf(ci);
    if (template) for (const [kind, name, pointer] of podReferences(template.spec, template.pointer)) add(ci, kind, name, pointer);
    for (const [target, pointer] of orderingReferences(ci)) {
      push(ci.id, target, 'dependsOn', pointer);
      // an APIService or webhook needs the workload behind its Service too: a backend that is
      // not running makes the next discovery fail, or blocks every write the webhook intercepts
      if (pointer.endsWith('/service/name') && (kind === 'APIService' || kind.endsWith('WebhookConfiguration'))) {
        const service = cis.find((c) => c.id === target);
        if (service) for (const workload of selectedWorkloads(service, workloads)) push(ci.id, workload.id, 'dependsOn', pointer);
      }
    }
  }
  return edges;
}

/**
 * [target identity, pointer] for the references that order an apply the way
 * Helm and kapp do: a RoleBinding after its Role and ServiceAccounts; an
 * APIService and admission webhooks after the Service behind them; an HPA after
 * its scale target; a PVC, and a StatefulSet's volume claim templates, after
 * their StorageClass.
 */
function orderingReferences(ci: CI): Array<[string, string]> {
  const o = ci.object;
  const found: Array<[string, string]> = [];
  const group = ci.apiVersion.includes('/') ? ci.apiVersion.slice(0, ci.apiVersion.lastIndexOf('/')) : '';
  const named = (kind: string, namespace: string, name: unknown, pointer: string) => {
    if (typeof name === 'string' && name) found.push([makeId(kind, namespace, name), pointer]);
  };
  if (group === 'rbac.authorization.k8s.io' && (ci.kind === 'RoleBinding' || ci.kind === 'ClusterRoleBinding')) {
    const ref = dig(o, ['roleRef']);
    if (isPlainObject(ref) && (ref.kind === 'Role' || ref.kind === 'ClusterRole')) {
      named(ref.kind, ref.kind === 'Role' ? ci.namespace : CLUSTER_NAMESPACE, ref.name, '/roleRef/name');
    }
    each(dig(o, ['subjects']), (s, i) => {
      if (isPlainObject(s) && s.kind === 'ServiceAccount') {
        named('ServiceAccount', typeof s.namespace === 'string' && s.namespace ? s.namespace : ci.namespace, s.name, `/subjects/${i}/name`);
      }
    });
  } else if (group === 'apiregistration.k8s.io' && ci.kind === 'APIService') {
    const svc = dig(o, ['spec', 'service']);
    if (isPlainObject(svc)) named('Service', typeof svc.namespace === 'string' ? svc.namespace : 'default', svc.name, '/spec/service/name');
  } else if (group === 'admissionregistration.k8s.io' && ci.kind.endsWith('WebhookConfiguration')) {
    each(dig(o, ['webhooks']), (w, i) => {
      const svc = isPlainObject(w) && isPlainObject(w.clientConfig) ? w.clientConfig.service : undefined;
      if (isPlainObject(svc))
        named('Service', typeof svc.namespace === 'string' ? svc.namespace : 'default', svc.name, `/webhooks/${i}/clientConfig/service/name`);
    });
  } else if (group === 'autoscaling' && ci.kind === 'HorizontalPodAutoscaler') {
    const ref = dig(o, ['spec', 'scaleTargetRef']);
    if (isPlainObject(ref) && typeof ref.kind === 'string') named(ref.kind, ci.namespace, ref.name, '/spec/scaleTargetRef/name');
  } else if (group === '' && ci.kind === 'PersistentVolumeClaim') {
    named('StorageClass', CLUSTER_NAMESPACE, dig(o, ['spec', 'storageClassName']), '/spec/storageClassName');
  } else if (group === 'apps' && ci.kind === 'StatefulSet') {
    each(dig(o, ['spec', 'volumeClaimTemplates']), (t, i) => {
      if (isPlainObject(t))
        named('StorageClass', CLUSTER_NAMESPACE, dig(t, ['spec', 'storageClassName']), `/spec/volumeClaimTemplates/${i}/spec/storageClassName`);
    });
  }
  return found;
}

/** `group NUL Kind` → the identity of the CRD in the inventory that defines it. */
function indexCrds(cis: readonly CI[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const ci of cis) {
    if (ci.kind !== 'CustomResourceDefinition' || !ci.kubernetes) continue;
    const group = dig(ci.object, ['spec', 'group']);
    const kind = dig(ci.object, ['spec', 'names', 'kind']);
    if (typeof group === 'string' && typeof kind === 'string') index.set(`${group}\u0000${kind}`, ci.id);
  }
  return index;
}

type WorkloadIndex = Map<string, CI[]>;

function indexWorkloads(cis: readonly CI[]): WorkloadIndex {
  const index: WorkloadIndex = new Map();
  for (const ci of cis) {
    const template = podTemplateOf(ci);
    if (!template) continue;
    for (const [key, value] of Object.entries(template.labels)) {
      if (typeof value !== 'string') continue;
      const posting = `${ci.namespace}\u0000${key}=${value}`;
      const list = index.get(posting);
      if (list) list.push(ci);
      else index.set(posting, [ci]);
    }
  }
  return index;
}

function selectedWorkloads(service: CI, index: WorkloadIndex): CI[] {
  const selector = dig(service.object, ['spec', 'selector']);
  if (!isPlainObject(selector)) return [];
  const pairs = Object.entries(selector);
  // An empty selector selects nothing (Kubernetes: endpoints are managed by hand).
  if (pairs.length === 0 || pairs.some(([, v]) => typeof v !== 'string')) return [];
  let rarest: CI[] | undefined;
  for (const [key, value] of pairs) {
    const list = index.get(`${service.namespace}\u0000${key}=${value as string}`);
    if (!list) return [];
    if (!rarest || list.length < rarest.length) rarest = list;
  }
  return rarest!.filter((workload) => {
    const labels = podTemplateOf(workload)!.labels;
    return pairs.every(([key, value]) => labels[key] === value);
  });
}

/** [service name, pointer] for networking.k8s.io/v1 and the older extensions/v1beta1 shapes. */
function ingressBackends(object: Readonly<Record<string, unknown>>): Array<[unknown, string]> {
  const found: Array<[unknown, string]> = [];
  const backend = (value: unknown, pointer: string): void => {
    if (!isPlainObject(value)) return;
    if (isPlainObject(value.service)) found.push([value.service.name, `${pointer}/service/name`]);
    if (value.serviceName !== undefined) found.push([value.serviceName, `${pointer}/serviceName`]);
  };
  const spec = object.spec;
  if (!isPlainObject(spec)) return found;
  backend(spec.defaultBackend, '/spec/defaultBackend');
  backend(spec.backend, '/spec/backend');
  each(spec.rules, (rule, i) => {
    each(dig(rule, ['http', 'paths']), (path, j) => backend(isPlainObject(path) ? path.backend : undefined, `/spec/rules/${i}/http/paths/${j}/backend`));
  });
  return found;
}

/** [target kind, name, pointer] for everything a pod spec mounts or uses. */
function podReferences(spec: Readonly<Record<string, unknown>>, at: string): Array<[string, unknown, string]> {
  const found: Array<[string, unknown, string]> = [];
  each(spec.volumes, (volume, i) => {
    if (!isPlainObject(volume)) return;
    const p = `${at}/volumes/${i}`;
    if (isPlainObject(volume.configMap)) found.push(['ConfigMap', volume.configMap.name, `${p}/configMap/name`]);
    if (isPlainObject(volume.secret)) found.push(['Secret', volume.secret.secretName, `${p}/secret/secretName`]);
    if (isPlainObject(volume.persistentVolumeClaim))
      found.push(['PersistentVolumeClaim', volume.persistentVolumeClaim.claimName, `${p}/persistentVolumeClaim/claimName`]);
    each(dig(volume, ['projected', 'sources']), (source, k) => {
      if (!isPlainObject(source)) return;
      const q = `${p}/projected/sources/${k}`;
      if (isPlainObject(source.configMap)) found.push(['ConfigMap', source.configMap.name, `${q}/configMap/name`]);
      if (isPlainObject(source.secret)) found.push(['Secret', source.secret.name, `${q}/secret/name`]);
    });
  });
  for (const group of ['initContainers', 'containers', 'ephemeralContainers']) {
    each(spec[group], (container, i) => {
      if (!isPlainObject(container)) return;
      const p = `${at}/${group}/${i}`;
      each(container.envFrom, (source, j) => {
        if (!isPlainObject(source)) return;
        if (isPlainObject(source.configMapRef)) found.push(['ConfigMap', source.configMapRef.name, `${p}/envFrom/${j}/configMapRef/name`]);
        if (isPlainObject(source.secretRef)) found.push(['Secret', source.secretRef.name, `${p}/envFrom/${j}/secretRef/name`]);
      });
      each(container.env, (variable, j) => {
        const from = isPlainObject(variable) ? variable.valueFrom : undefined;
        if (!isPlainObject(from)) return;
        if (isPlainObject(from.configMapKeyRef)) found.push(['ConfigMap', from.configMapKeyRef.name, `${p}/env/${j}/valueFrom/configMapKeyRef/name`]);
        if (isPlainObject(from.secretKeyRef)) found.push(['Secret', from.secretKeyRef.name, `${p}/env/${j}/valueFrom/secretKeyRef/name`]);
      });
    });
  }
  if (spec.serviceAccountName !== undefined) found.push(['ServiceAccount', spec.serviceAccountName, `${at}/serviceAccountName`]);
  else if (spec.serviceAccount !== undefined) found.push(['ServiceAccount', spec.serviceAccount, `${at}/serviceAccount`]);
  each(spec.imagePullSecrets, (ref, i) => {
    if (isPlainObject(ref)) found.push(['Secret', ref.name, `${at}/imagePullSecrets/${i}/name`]);
  });
  return found;
}

function each(list: unknown, visit: (item: unknown, index: number) => void): void {
  if (Array.isArray(list)) list.forEach(visit);
}
