import type { Diagnostic } from '../../model/diagnostic.js';
import { PlumbError } from '../../model/errors.js';
import { KubeApiError, KubeCredentialError } from './kube-client.js';
import type { ApiResource } from './discovery.js';
import { isPermanentAnswer } from './retry.js';

/** What plumb was doing when the API said no — named in the diagnostic. */
export interface Attempt {
  readonly verb: string;
  readonly resource?: ApiResource;
  readonly namespace?: string;
  readonly id?: string;
}

function resourceName(r?: ApiResource): string {
  if (!r) return 'object';
  const group = r.groupVersion.includes('/') ? r.groupVersion.split('/')[0] : '';
  return group ? `${r.plural}.${group}` : r.plural;
}

/** Field managers named in an SSA conflict (`conflict with "kubectl-client-side-apply"` …). */
export function conflictManagers(e: KubeApiError): string[] {
  const causes = (e.details?.causes ?? []) as { message?: string }[];
  const names = new Set<string>();
  for (const c of causes) for (const m of (c.message ?? '').matchAll(/conflict with "([^"]+)"/g)) names.add(m[1]);
  for (const m of e.message.matchAll(/conflict(?:s)? with "([^"]+)"/g)) names.add(m[1]);
  return [...names];
}

/**
 * The field paths an API answer names, in the server's notation
 * (`.spec.replicas`, `.spec.containers[name="main"].ports`, `metadata.name`):
 * the `field` of each cause (conflicts, `Invalid`), else the paths written in
 * the message of a typed-patch failure (`…): .data.a: expected string, got …`).
 */
export function fieldPathsOf(e: KubeApiError): string[] {
  const paths = new Set<string>();
  for (const c of (e.details?.causes ?? []) as { field?: string }[])
    if (typeof c.field === 'string' && c.field) paths.add(c.field.startsWith('.') ? c.field : `.${c.field}`);
  if (paths.size === 0) for (const m of e.message.matchAll(/(?:^|[\s(:])(\.[A-Za-z_$][^\s:]*):\s/g)) paths.add(m[1]);
  return [...paths];
}

/** Final answers that say the manifest is wrong, not the cluster: 400, 422 and typed-patch 500s. */
function isInvalidInput(e: KubeApiError): boolean {
  return e.status === 400 || e.status === 422 || isPermanentAnswer(e.status, e.message);
}

/**
 * Whether a 403 is admission's (`pods "x" is forbidden: violates PodSecurity "restricted:latest": …`,
 * `admission webhook "…" denied the request: …`, `exceeded quota: …`, `ValidatingAdmissionPolicy '…' … denied
 * request`) rather than the authorizer's. Only a `Status` the API server wrote can be: a proxy's or load balancer's
 * 403 (an HTML page, a bare `Forbidden`, an empty body) is taken for RBAC, as before. The authorizer always names the
 * verb and what it was refused on (`User "u" cannot patch resource "pods" in API group "" …`, `cannot get path
 * "/metrics"`); RBAC's escalation check ({@link isRbacEscalation}) is RBAC's too.
 */
function isAdmissionRefusal(e: KubeApiError): boolean {
  return e.apiStatus && e.message.trim() !== '' && !/\bcannot [a-z]+ (?:resource|path) "/.test(e.message) && !isRbacEscalation(e);
}

/**
 * RBAC's escalation check: a Role, ClusterRole or binding that grants permissions the identity does not hold itself
 * (`user "u" (groups=[…]) is attempting to grant RBAC permissions not currently held: …`) — allowed to patch roles,
 * it lacks the rules it writes (or the `escalate`/`bind` verb).
 */
function isRbacEscalation(e: KubeApiError): boolean {
  return e.apiStatus && /\bis attempting to grant RBAC permissions not currently held\b/.test(e.message);
}

/**
 * Turns a failed API call into a diagnostic a person can act on: forbidden
 * names the verb, resource and namespace; a conflict names the other field
 * manager; a lost connection says the API server is unreachable. Never a crash.
 */
export function apiDiagnostic(e: unknown, attempt: Attempt): Diagnostic {
  const at = e instanceof KubeApiError && !attempt.resource && e.resource ? { ...attempt, resource: e.resource } : attempt;
  const where = at.namespace && at.resource?.namespaced !== false ? ` in namespace "${at.namespace}"` : '';
  const what = at.verb === 'discover' && !at.resource ? 'read the API discovery documents' : `${at.verb} ${resourceName(at.resource)}${where}`;
  const ci = at.id;
  if (e instanceof KubeApiError) {
    if (e.status === 403 && isRbacEscalation(e)) {
      return {
        severity: 'error',
        code: 'kubernetes.forbidden',
        ci,
        message: `forbidden: the API server refused to ${what}: ${e.message}`,
        hint: 'RBAC\'s escalation check: plumb\'s identity may grant only permissions it holds — grant it the rules the message lists, or the verb "escalate" on roles/clusterroles ("bind" for a binding)',
      };
    }
    if (e.status === 403 && isAdmissionRefusal(e)) {
      return {
        severity: 'error',
        code: 'kubernetes.forbidden',
        ci,
        message: `forbidden: the API server refused to ${what}: ${e.message}`,
        hint: 'admission refused the object, not RBAC (Pod Security, a ValidatingAdmissionPolicy, an admission webhook, a ResourceQuota or a terminating namespace, as the message says): change the object, or the namespace or policy that refuses it',
      };
    }
    if (e.status === 403) {
      return {
        severity: 'error',
        code: 'kubernetes.forbidden',
        ci,
        message: `forbidden: cannot ${what}`,
        hint: `grant the verb "${at.verb}" on ${resourceName(at.resource)}${where} to plumb's identity (RBAC), or narrow the target's namespaces`,
      };
    }
    if (e.status === 401) {
      return {
        severity: 'error',
        code: 'kubernetes.unauthorized',
        ci,
        message: `unauthorized: the API server rejected plumb's credentials while trying to ${what}`,
        hint: 'check the kubeconfig user or the ServiceAccount token',
      };
    }
    if (e.status === 409 && e.reason === 'Conflict') {
      const managers = conflictManagers(e);
      const fields = fieldPathsOf(e);
      return {
        severity: 'error',
        code: 'kubernetes.conflict',
        ci,
        ...(fields.length ? { fields } : {}),
        message: `field conflict on ${ci ?? what}: ${managers.length ? `fields are owned by ${managers.map((m) => `"${m}"`).join(', ')}` : e.message}${fields.length ? ` (${fields.join(', ')})` : ''}`,
        hint: 'pass --force-conflicts to take the fields over, or remove them from the desired state',
      };
    }
    if (isInvalidInput(e)) {
      const fields = fieldPathsOf(e);
      return {
        severity: 'error',
        code: 'kubernetes.invalid',
        ci,
        ...(fields.length ? { fields } : {}),
        message: `the API server refused ${ci ?? what}${fields.length ? ` at ${fields.join(', ')}` : ''}: ${e.message}`,
        hint: 'the manifest is wrong (retrying will not help): fix the field the message names; `plumb validate` checks types before a cluster is asked',
      };
    }
    if (e.reason === 'RepeatedContinue') {
      return {
        severity: 'error',
        code: 'kubernetes.api-error',
        ci,
        message: `the API server does not page correctly while trying to ${what}: ${e.message}`,
        hint: 'the server (often an aggregated API behind the API server) ignores the list `continue` parameter; fix or upgrade it',
      };
    }
    if (e.status === 404) {
      return { severity: 'error', code: 'kubernetes.not-found', ci, message: `not found while trying to ${what}: ${e.message}` };
    }
    return {
      severity: 'error',
      code: 'kubernetes.api-error',
      ci,
      message: `the API server answered ${e.status} (${e.reason}) while trying to ${what}: ${e.message}`,
      hint: 'retry later; 429 and 5xx answers were already retried',
    };
  }
  if (e instanceof PlumbError) {
    // a fault plumb found itself on the way (a proxy that is not a URL): its own code and hint
    return { severity: 'error', code: e.code, ci, message: `cannot ${what}: ${e.message}`, ...(e.hint ? { hint: e.hint } : {}) };
  }
  if (e instanceof KubeCredentialError) {
    return {
      severity: 'error',
      code: 'kubernetes.credentials-unavailable',
      ci,
      message: `cannot get the kubeconfig user's credentials to ${what}: ${e.message}`,
      hint: "run the user's exec credential plugin (or auth provider) by hand — `kubectl version` asks it the same way — and check its settings with `kubectl config view --minify`",
    };
  }
  const code = (e as { code?: string }).code;
  return {
    severity: 'error',
    code: 'kubernetes.unreachable',
    ci,
    message: `cannot reach the API server while trying to ${what}: ${code ?? (e as Error).message}`,
    hint: 'check that the cluster is up and the kubeconfig points at it',
  };
}
