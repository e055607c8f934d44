import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { groupOf, isBuiltinGroup } from '../model/kubernetes-kinds.js';
import { CLUSTER_NAMESPACE } from '../model/reference.js';
import { isPlainObject } from '../model/plain-object.js';
import { WORKLOAD_KINDS, dig, podTemplateOf } from '../graph/pod-template.js';
import { at, type Finding, type Locate } from './place.js';
import { escapePointerToken } from '../model/json-pointer.js';
import type { Code } from '../model/codes.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_HINT = 'lowercase letters, digits and "-", at most 63 characters';
/** A DNS-1123 label (apimachinery's `IsDNS1123Label`): a namespace, a container, volume or Service port name. */
const isDns1123Label = (value: string): boolean => value.length <= 63 && DNS1123_LABEL.test(value);
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
/** apimachinery's TotalAnnotationSizeLimitB: the keys and values of one object's annotations, in bytes. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Basic checks of Kubernetes objects, the ones the API server would refuse
 * before any admission control — so a review fails in Git rather than at apply:
 * - `k8s.field-missing`: a workload without a pod template (apiVersion, kind and
 *   metadata.name are required by the loader already: `ci.missing-field`);
 * - `k8s.name-invalid`: each kind's own name rule (see nameRule);
 * - `k8s.namespace-invalid`: metadata.namespace must be a DNS-1123 label;
 * - `k8s.secret-base64`: each value of a Secret's `data` must be base64 (the
 *   message names the key, never the value);
 * - `k8s.container-invalid`: each container of a pod template needs name and image;
 * - `k8s.selector-invalid`: a Service selector is a map of strings.
 * - `k8s.label-invalid`: label keys are qualified names and values label
 *   values (metadata.labels, a pod template's labels, `spec.selector.matchLabels`,
 *   a Service selector), as apimachinery's `ValidateLabels`;
 * - `k8s.annotation-invalid`: annotation keys are qualified names, and all of
 *   an object's annotations take at most 256 KiB (`ValidateAnnotations`);
 * - `k8s.data-key-invalid`: each key of a ConfigMap's `data`/`binaryData` and a
 *   Secret's `data`/`stringData` is `[-._a-zA-Z0-9]+`, at most 253 characters,
 *   not `.`, `..` or `..`-prefixed (`IsConfigMapKey`), and a ConfigMap key is
 *   not in both `data` and `binaryData`;
 * - `k8s.container-invalid`, `k8s.port-invalid`, `k8s.volume-invalid`: the
 *   names of a pod spec (checkPodSpec: a workload's, a ReplicationController's,
 *   a PodTemplate's) and a Service's ports (checkServicePorts); a workload
 *   selector's `matchExpressions` keys and values (`k8s.label-invalid`).
 *
 * The kind-specific checks apply to Kubernetes' own groups only (core, dotless
 * groups, `*.k8s.io`): a custom resource that reuses a built-in kind's name
 * (Volcano's `batch.volcano.sh` Job, Knative's `serving.knative.dev` Service)
 * has its CRD's shape, which the API server does not hold to the built-in
 * kind's rules; its name, namespace, labels and annotations are checked as any
 * object's.
 */
export function checkKubernetes(cis: readonly CI[], locate: Locate): Diagnostic[] {
  return kubernetesFindings(cis).map((f) => at(locate, f));
}

/** The same checks as findings (with their JSON Pointers), before they are placed. */
export function kubernetesFindings(cis: readonly CI[]): Finding[] {
  const findings: Finding[] = [];
  for (const ci of cis) {
    if (ci.kubernetes) findings.push(...checkObject(ci));
  }
  return findings;
}

function checkObject(ci: CI): Finding[] {
  const findings: Finding[] = [];
  const found = (code: Code, pointer: string, message: string, hint: string) => findings.push({ code, pointer, message, hint, ci });
  const o = ci.object;
  const metadata = isPlainObject(o.metadata) ? o.metadata : undefined;

  // apiVersion, kind and metadata.name are the loader's to require (`ci.missing-field`): without them there is no CI.
  if (metadata && typeof metadata.name === 'string') {
    const rule = nameRule(ci.apiVersion, ci.kind);
    if (metadata.name.length > rule.max || !rule.pattern.test(metadata.name)) {
      found('k8s.name-invalid', '/metadata/name', `${ci.kind} name "${metadata.name}" is not a valid ${rule.label}`, rule.hint);
    }
  }
  const namespace = metadata?.namespace;
  if (namespace !== undefined && ci.namespace !== CLUSTER_NAMESPACE && (typeof namespace !== 'string' || !isDns1123Label(namespace))) {
    found('k8s.namespace-invalid', '/metadata/namespace', `namespace "${String(namespace)}" is not a valid DNS-1123 label`, DNS1123_LABEL_HINT);
  }

  if (metadata) checkMeta(metadata, '/metadata', found);
  checkDataKeys(ci, found);
  checkDataSize(ci, found);

  // a built-in kind's rules hold for Kubernetes' own groups only: a custom resource may reuse the
  // kind's name (Volcano's batch.volcano.sh Job, Knative's serving.knative.dev Service) with any shape
  const builtin = isBuiltinGroup(groupOf(ci.apiVersion));
  if (!builtin) return findings;

  if (ci.kind === 'Secret' && o.data !== undefined) {
    if (!isPlainObject(o.data))
      found('k8s.secret-base64', '/data', 'Secret data must be a map of keys to base64 values', 'put plain-text values under stringData instead');
    else {
      for (const [key, value] of Object.entries(o.data)) {
        if (typeof value !== 'string' || !BASE64.test(value.replace(/[\r\n]/g, ''))) {
          found(
            'k8s.secret-base64',
            `/data/${escapePointerToken(key)}`,
            `Secret data key "${key}" is not valid base64`,
            'base64-encode the value, or move it to stringData as plain text',
          );
        }
      }
    }
  }

  if (ci.kind === 'Service') {
    const selector = dig(o, ['spec', 'selector']);
    if (selector !== undefined && (!isPlainObject(selector) || Object.values(selector).some((v) => typeof v !== 'string'))) {
      found(
        'k8s.selector-invalid',
        '/spec/selector',
        'Service selector must be a map of label names to string values',
        'quote numbers and booleans, e.g. version: "2"',
      );
    } else if (isPlainObject(selector)) checkLabels(selector, '/spec/selector', 'selector', found);
  }

  if (WORKLOAD_KINDS.has(ci.kind)) {
    const matchLabels = dig(o, ['spec', 'selector', 'matchLabels']);
    if (isPlainObject(matchLabels)) checkLabels(matchLabels, '/spec/selector/matchLabels', 'selector', found);
    const matchExpressions = dig(o, ['spec', 'selector', 'matchExpressions']);
    if (Array.isArray(matchExpressions)) checkMatchExpressions(matchExpressions, '/spec/selector/matchExpressions', found);
  }
  const template = podTemplateOf(ci) ?? otherPodTemplate(ci);
  if (WORKLOAD_KINDS.has(ci.kind) && !template) {
    const where = ci.kind === 'Pod' ? '/spec' : ci.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
    found('k8s.field-missing', where, `${ci.kind} has no pod spec at ${where}`, 'add the pod template with its containers');
  } else if (template) {
    const templateMeta = ci.kind !== 'Pod' ? dig(o, [...template.pointer.split('/').slice(1, -1), 'metadata']) : undefined;
    if (isPlainObject(templateMeta)) checkMeta(templateMeta, `${template.pointer.replace(/\/spec$/, '')}/metadata`, found);
    const containers = template.spec.containers;
    if (!Array.isArray(containers) || containers.length === 0) {
      found('k8s.container-invalid', `${template.pointer}/containers`, 'pod spec has no containers', 'add at least one container with a name and an image');
    }
    for (const group of ['initContainers', 'containers']) {
      const list = template.spec[group];
      if (!Array.isArray(list)) continue;
      list.forEach((container, i) => {
        const missing = ['name', 'image'].filter((f) => !isPlainObject(container) || typeof container[f] !== 'string' || container[f] === '');
        if (missing.length > 0) {
          found(
            'k8s.container-invalid',
            `${template.pointer}/${group}/${i}`,
            `${group}[${i}] is missing ${missing.join(' and ')}`,
            'every container needs a name and an image',
          );
        }
      });
    }
    checkPodSpec(template.spec, template.pointer, found, ci.kind === 'StatefulSet' ? claimTemplateNames(o) : []);
    // added to a running pod through its ephemeralcontainers subresource (`kubectl debug`), never declared
    const ephemeral = template.spec.ephemeralContainers;
    if (Array.isArray(ephemeral) && ephemeral.length > 0) {
      found(
        'k8s.ephemeral-containers',
        `${template.pointer}/ephemeralContainers`,
        ci.kind === 'Pod' ? "a Pod's ephemeralContainers cannot be set on create" : 'ephemeral containers are not allowed in a pod template',
        'remove ephemeralContainers; add a debug container to a running pod with `kubectl debug`',
      );
    }
  }
  if (ci.kind === 'Service' && groupOf(ci.apiVersion) === '') checkServicePorts(o, found);
  return findings;
}

/**
 * The pod template of a core ReplicationController (`spec.template`) or
 * PodTemplate (`template`): the API server validates their pod specs as a
 * Deployment's, though nothing selects them as workloads (WORKLOAD_KINDS).
 */
function otherPodTemplate(ci: CI): { readonly spec: Readonly<Record<string, unknown>>; readonly pointer: string } | undefined {
  if (groupOf(ci.apiVersion) !== '') return undefined;
  const path = ci.kind === 'ReplicationController' ? ['spec', 'template'] : ci.kind === 'PodTemplate' ? ['template'] : undefined;
  const spec = path ? dig(ci.object, [...path, 'spec']) : undefined;
  return path && isPlainObject(spec) ? { spec, pointer: `/${path.join('/')}/spec` } : undefined;
}

/** The names of a StatefulSet's volumeClaimTemplates: its pods get a volume of each name, which volumeMounts may name. */
function claimTemplateNames(statefulSet: Readonly<Record<string, unknown>>): string[] {
  const claims = dig(statefulSet, ['spec', 'volumeClaimTemplates']);
  if (!Array.isArray(claims)) return [];
  return claims.map((c) => dig(c, ['metadata', 'name'])).filter((n): n is string => typeof n === 'string');
}

/**
 * A label selector's `matchExpressions` (apimachinery's
 * `ValidateLabelSelectorRequirement`): each key is a qualified name, and each
 * value of an `In` or `NotIn` requirement a label value.
 */
function checkMatchExpressions(expressions: readonly unknown[], pointer: string, found: Found): void {
  expressions.forEach((requirement, i) => {
    if (!isPlainObject(requirement)) return;
    const at = `${pointer}/${i}`;
    if (typeof requirement.key === 'string') {
      const why = qualifiedNameError(requirement.key);
      if (why)
        found(
          'k8s.label-invalid',
          `${at}/key`,
          `selector key "${requirement.key}" is not a qualified name: ${why}`,
          'use [prefix/]name: a DNS-1123 subdomain prefix, a name of at most 63 letters, digits, "-", "_" and "."',
        );
    }
    if ((requirement.operator === 'In' || requirement.operator === 'NotIn') && Array.isArray(requirement.values)) {
      requirement.values.forEach((value, j) => {
        if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value)))
          found(
            'k8s.label-invalid',
            `${at}/values/${j}`,
            `selector value "${value}" is not a valid label value`,
            'at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (or empty)',
          );
      });
    }
  });
}

/**
 * What the API server checks of a pod spec's names (`ValidatePodSpec`):
 * container names are DNS-1123 labels, unique across init, regular and
 * ephemeral containers; a container port's name is an IANA service name
 * (at most 15 lower-case letters, digits and single "-", at least one letter)
 * unique in its container, its number (and a hostPort other than 0) 1–65535;
 * volume names are unique DNS-1123 labels, and every volumeMount names one of
 * them or one of `claimVolumes` (a StatefulSet's volumeClaimTemplates).
 */
function checkPodSpec(spec: Readonly<Record<string, unknown>>, pointer: string, found: Found, claimVolumes: readonly string[]): void {
  const volumes = new Set<string>();
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((volume, i) => {
      const name = isPlainObject(volume) ? volume.name : undefined;
      if (typeof name !== 'string') return;
      const at = `${pointer}/volumes/${i}/name`;
      if (!isDns1123Label(name)) found('k8s.volume-invalid', at, `volume name "${name}" is not a valid DNS-1123 label`, DNS1123_LABEL_HINT);
      else if (volumes.has(name)) found('k8s.volume-invalid', at, `volume name "${name}" is used twice`, 'give each volume its own name');
      volumes.add(name);
    });
  }
  // a StatefulSet's pods also get a volume per claim template (a template volume of the same name wins)
  const mountable = new Set([...volumes, ...claimVolumes]);
  const containerNames = new Set<string>();
  for (const group of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[group];
    if (!Array.isArray(list)) continue;
    list.forEach((container, i) => {
      if (!isPlainObject(container)) return;
      const at = `${pointer}/${group}/${i}`;
      const name = container.name;
      if (typeof name === 'string' && name !== '') {
        if (!isDns1123Label(name)) {
          found('k8s.container-invalid', `${at}/name`, `container name "${name}" is not a valid DNS-1123 label`, DNS1123_LABEL_HINT);
        } else if (containerNames.has(name)) {
          found(
            'k8s.container-invalid',
            `${at}/name`,
            `container name "${name}" is used twice in the pod`,
            'init, regular and ephemeral containers share one namespace of names',
          );
        }
        containerNames.add(name);
      }
      const portNames = new Set<string>();
      if (Array.isArray(container.ports)) {
        container.ports.forEach((port, j) => {
          if (!isPlainObject(port)) return;
          if (typeof port.containerPort === 'number' && !validPortNumber(port.containerPort)) {
            found(
              'k8s.port-invalid',
              `${at}/ports/${j}/containerPort`,
              `containerPort ${port.containerPort} is not between 1 and 65535`,
              'use a port number from 1 to 65535',
            );
          }
          // hostPort 0 is no host port
          if (typeof port.hostPort === 'number' && port.hostPort !== 0 && !validPortNumber(port.hostPort)) {
            found('k8s.port-invalid', `${at}/ports/${j}/hostPort`, `hostPort ${port.hostPort} is not between 1 and 65535`, 'use a port number from 1 to 65535');
          }
          if (typeof port.name !== 'string') return;
          const why = portNameError(port.name);
          if (why) found('k8s.port-invalid', `${at}/ports/${j}/name`, `port name "${port.name}" ${why}`, PORT_NAME_HINT);
          else if (portNames.has(port.name))
            found('k8s.port-invalid', `${at}/ports/${j}/name`, `port name "${port.name}" is used twice in the container`, 'give each port its own name');
          portNames.add(port.name);
        });
      }
      for (const field of ['volumeMounts', 'volumeDevices']) {
        const mounts = container[field];
        if (!Array.isArray(mounts)) continue;
        mounts.forEach((mount, j) => {
          const volume = isPlainObject(mount) ? mount.name : undefined;
          if (typeof volume === 'string' && !mountable.has(volume)) {
            found(
              'k8s.volume-invalid',
              `${at}/${field}/${j}/name`,
              `${field}[${j}] names volume "${volume}", which the pod does not declare`,
              'add it under volumes, or fix the name',
            );
          }
        });
      }
    });
  }
}

/**
 * A Service's ports (`ValidateService`): each port 1–65535; with more than one
 * port every port has a name; names are unique DNS-1123 labels; a named
 * targetPort is an IANA service name, a numbered one 1–65535.
 */
function checkServicePorts(service: Readonly<Record<string, unknown>>, found: Found): void {
  const ports = dig(service, ['spec', 'ports']);
  if (!Array.isArray(ports)) return;
  const names = new Set<string>();
  ports.forEach((port, i) => {
    if (!isPlainObject(port)) return;
    const at = `/spec/ports/${i}`;
    if (typeof port.port === 'number' && !validPortNumber(port.port)) {
      found('k8s.port-invalid', `${at}/port`, `port ${port.port} is not between 1 and 65535`, 'use a port number from 1 to 65535');
    }
    if (typeof port.name === 'string' && port.name !== '') {
      if (!isDns1123Label(port.name)) {
        found('k8s.port-invalid', `${at}/name`, `Service port name "${port.name}" is not a valid DNS-1123 label`, DNS1123_LABEL_HINT);
      } else if (names.has(port.name)) found('k8s.port-invalid', `${at}/name`, `Service port name "${port.name}" is used twice`, 'give each port its own name');
      names.add(port.name);
    } else if (ports.length > 1) {
      found('k8s.port-invalid', at, `Service port ${i + 1} of ${ports.length} has no name`, 'a Service with more than one port names each of them');
    }
    const target = port.targetPort;
    // 0 is defaulted to `port` before the server validates it
    if (typeof target === 'number' && target !== 0 && !validPortNumber(target)) {
      found(
        'k8s.port-invalid',
        `${at}/targetPort`,
        `targetPort ${target} is not between 1 and 65535`,
        'use a port number from 1 to 65535, or a container port name',
      );
    } else if (typeof target === 'string') {
      const why = portNameError(target);
      if (why) found('k8s.port-invalid', `${at}/targetPort`, `targetPort "${target}" ${why}`, PORT_NAME_HINT);
    }
  });
}

const PORT_NAME_HINT = 'an IANA service name: at most 15 lower-case letters, digits and single "-", with at least one letter, e.g. http-metrics';

function validPortNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** Why `name` is not an IANA service name (apimachinery's `IsValidPortName`), or undefined. */
function portNameError(name: string): string | undefined {
  if (name.length === 0 || name.length > 15) return 'is not 1 to 15 characters long';
  if (!/^[-a-z0-9]+$/.test(name)) return 'may hold only lower-case letters, digits and "-"';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  if (name.includes('--')) return 'may not contain "--"';
  if (name.startsWith('-') || name.endsWith('-')) return 'may not begin or end with "-"';
  return undefined;
}

type Found = (code: Code, pointer: string, message: string, hint: string) => void;

/** Labels and annotations of one `metadata` (an object's or a pod template's) at `pointer`. */
function checkMeta(metadata: Readonly<Record<string, unknown>>, pointer: string, found: Found): void {
  if (isPlainObject(metadata.labels)) checkLabels(metadata.labels, `${pointer}/labels`, 'label', found);
  const annotations = metadata.annotations;
  if (!isPlainObject(annotations)) return;
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    const why = qualifiedNameError(key.toLowerCase());
    if (why) {
      found(
        'k8s.annotation-invalid',
        `${pointer}/annotations/${escapePointerToken(key)}`,
        `annotation key "${key}" is not a qualified name: ${why}`,
        'use [prefix/]name: a DNS-1123 subdomain prefix, a name of at most 63 letters, digits, "-", "_" and "."',
      );
    }
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    found(
      'k8s.annotation-invalid',
      `${pointer}/annotations`,
      `the annotations take ${bytes} bytes, more than the API server's limit of ${ANNOTATIONS_MAX_BYTES}`,
      'move large data to a ConfigMap; note that client-side kubectl apply adds a last-applied-configuration annotation as large as the object',
    );
  }
}

/** Label keys and values (`what`: label or selector) under `pointer`; non-string values are the schema's to report. */
function checkLabels(labels: Readonly<Record<string, unknown>>, pointer: string, what: 'label' | 'selector', found: Found): void {
  for (const [key, value] of Object.entries(labels)) {
    const at = `${pointer}/${escapePointerToken(key)}`;
    const why = qualifiedNameError(key);
    if (why) {
      found(
        'k8s.label-invalid',
        at,
        `${what} key "${key}" is not a qualified name: ${why}`,
        'use [prefix/]name: a DNS-1123 subdomain prefix, a name of at most 63 letters, digits, "-", "_" and "."',
      );
    } else if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      found(
        'k8s.label-invalid',
        at,
        `${what} value "${value}" of "${key}" is not a valid label value`,
        'at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (or empty)',
      );
    }
  }
}

/** Why `value` is not a qualified name (apimachinery's `IsQualifiedName`), or undefined. */
function qualifiedNameError(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return 'at most one "/"';
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') return 'the prefix before "/" is empty';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return `the prefix "${prefix}" is not a DNS-1123 subdomain`;
  }
  if (name === '') return 'the name is empty';
  if (name.length > 63) return 'the name is longer than 63 characters';
  if (!QUALIFIED_NAME_PART.test(name)) return 'the name must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** apimachinery's MaxSecretSize, which bounds a ConfigMap's data too (bytes). */
const DATA_MAX_BYTES = 1024 * 1024;

/**
 * The size the API server bounds a ConfigMap's or Secret's data by
 * (`ValidateConfigMap`, `ValidateSecret`): a ConfigMap's values of `data`
 * and `binaryData` (decoded bytes), a Secret's values of `data`
 * (decoded) with `stringData` merged over them (a key in both counts once, as
 * its stringData value) — at most 1 MiB. Values that are not strings, or not
 * base64 in a binary map, are other checks' to report.
 */
function checkDataSize(ci: CI, found: Found): void {
  if ((ci.kind !== 'ConfigMap' && ci.kind !== 'Secret') || groupOf(ci.apiVersion) !== '') return;
  const o = ci.object;
  const text = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  const decoded = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v.replace(/[\r\n]/g, ''), 'base64') : 0);
  let bytes = 0;
  if (ci.kind === 'ConfigMap') {
    if (isPlainObject(o.data)) for (const v of Object.values(o.data)) bytes += text(v);
    if (isPlainObject(o.binaryData)) for (const v of Object.values(o.binaryData)) bytes += decoded(v);
  } else {
    const stringData = isPlainObject(o.stringData) ? o.stringData : {};
    if (isPlainObject(o.data)) for (const [k, v] of Object.entries(o.data)) if (!Object.hasOwn(stringData, k)) bytes += decoded(v);
    for (const v of Object.values(stringData)) bytes += text(v);
  }
  if (bytes > DATA_MAX_BYTES) {
    found(
      'k8s.data-too-large',
      `/${['data', 'binaryData', 'stringData'].find((f) => isPlainObject(o[f])) ?? 'data'}`,
      `the ${ci.kind}'s data takes ${bytes} bytes, more than the API server's limit of ${DATA_MAX_BYTES}`,
      ci.kind === 'ConfigMap' ? 'split it into several ConfigMaps, or mount the data from a volume' : 'split it into several Secrets',
    );
  }
}

/** The keys of a ConfigMap's or Secret's data maps (apimachinery's `IsConfigMapKey`). */
function checkDataKeys(ci: CI, found: Found): void {
  const maps = ci.kind === 'ConfigMap' ? ['data', 'binaryData'] : ci.kind === 'Secret' ? ['data', 'stringData'] : [];
  if (maps.length === 0 || groupOf(ci.apiVersion) !== '') return;
  const hint = 'letters, digits, "-", "_" and ".", at most 253 characters, not starting with ".."';
  for (const field of maps) {
    const map = ci.object[field];
    if (!isPlainObject(map)) continue;
    for (const key of Object.keys(map)) {
      const why =
        key.length > 253
          ? 'is longer than 253 characters'
          : !CONFIG_MAP_KEY.test(key)
            ? 'may hold only letters, digits, "-", "_" and "."'
            : key === '.' || key === '..' || key.startsWith('..')
              ? 'may not be "." or start with ".."'
              : undefined;
      if (why) found('k8s.data-key-invalid', `/${field}/${escapePointerToken(key)}`, `${ci.kind} ${field} key "${key}" ${why}`, hint);
    }
  }
  const data = ci.object.data;
  const binary = ci.object.binaryData;
  if (ci.kind === 'ConfigMap' && isPlainObject(data) && isPlainObject(binary)) {
    for (const key of Object.keys(binary)) {
      if (Object.hasOwn(data, key)) {
        found(
          'k8s.data-key-invalid',
          `/binaryData/${escapePointerToken(key)}`,
          `ConfigMap key "${key}" is in both data and binaryData`,
          'keep each key in one of them: data for UTF-8 text, binaryData for base64 bytes',
        );
      }
    }
  }
}

const PATH_SEGMENT = /^(?!\.\.?$)[^/%]+$/;

/**
 * Each kind's name rule, as the API server validates it (apimachinery's
 * `ValidateObjectMeta` with the kind's name function): DNS-1035 labels for
 * Services, DNS-1123 labels for Namespaces, path segments for RBAC objects
 * (`system:metrics-server`: anything but `.`, `..`, `/` and `%`), 52 characters
 * for CronJobs (their Jobs append a suffix), DNS-1123 subdomains for the rest —
 * custom resources included. Only built-in groups get built-in rules: a
 * `serving.knative.dev` Service is not a core Service.
 */
function nameRule(apiVersion: string, kind: string): { pattern: RegExp; max: number; label: string; hint: string } {
  const group = groupOf(apiVersion);
  const builtin = isBuiltinGroup(group);
  if (builtin && group === '' && kind === 'Service') {
    return {
      pattern: DNS1035_LABEL,
      max: 63,
      label: 'DNS-1035 label',
      hint: 'lowercase letters, digits and "-", starting with a letter, at most 63 characters',
    };
  }
  if (builtin && group === '' && kind === 'Namespace') {
    return { pattern: DNS1123_LABEL, max: 63, label: 'DNS-1123 label', hint: DNS1123_LABEL_HINT };
  }
  if (group === 'rbac.authorization.k8s.io' && ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(kind)) {
    return { pattern: PATH_SEGMENT, max: 253, label: 'path segment name', hint: 'any characters except "/" and "%", and not "." or ".."' };
  }
  if (group === 'batch' && kind === 'CronJob') {
    return {
      pattern: DNS1123_SUBDOMAIN,
      max: 52,
      label: 'CronJob name (DNS-1123 subdomain of at most 52 characters)',
      hint: 'lowercase letters, digits, "-" and ".", at most 52 characters',
    };
  }
  return { pattern: DNS1123_SUBDOMAIN, max: 253, label: 'DNS-1123 subdomain', hint: 'lowercase letters, digits, "-" and ".", at most 253 characters' };
}
