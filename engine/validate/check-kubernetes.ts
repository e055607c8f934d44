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
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
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
  if (
    namespace !== undefined &&
    ci.namespace !== CLUSTER_NAMESPACE &&
    (typeof namespace !== 'string' || namespace.length > 63 || !DNS1123_LABEL.test(namespace))
  ) {
    found(
      'k8s.namespace-invalid',
      '/metadata/namespace',
      `namespace "${String(namespace)}" is not a valid DNS-1123 label`,
      'lowercase letters, digits and "-", at most 63 characters',
    );
  }

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
    }
  }

  if (WORKLOAD_KINDS.has(ci.kind)) {
    const template = podTemplateOf(ci);
    if (!template) {
      const where = ci.kind === 'Pod' ? '/spec' : ci.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
      found('k8s.field-missing', where, `${ci.kind} has no pod spec at ${where}`, 'add the pod template with its containers');
    } else {
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
    }
  }
  return findings;
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
    return { pattern: DNS1123_LABEL, max: 63, label: 'DNS-1123 label', hint: 'lowercase letters, digits and "-", at most 63 characters' };
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
