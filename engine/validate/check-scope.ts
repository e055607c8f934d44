import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { BUILTIN_KINDS, groupOf, isBuiltinGroup } from '../model/kubernetes-kinds.js';
import { isPlainObject } from '../model/plain-object.js';
import { CLUSTER_NAMESPACE } from '../model/reference.js';
import { at, type Locate } from './place.js';

/**
 * `kubernetes.scope-unknown` (info): a Kubernetes CI whose scope cannot be
 * told offline — a kind that is not built in, whose CustomResourceDefinition
 * is not in the inventory, written without `metadata.namespace`. Its identity
 * assumes the namespace `default`; that is an assumption, not a fact: when a
 * target is reachable, its discovery documents decide the scope, and an
 * object the server keeps cluster-scoped is matched to this CI, never planned
 * as a create here and a delete there (engine/diff/match-observed.ts,
 * alignScopes).
 */
export function checkScope(cis: readonly CI[], locate: Locate): Diagnostic[] {
  const defined = new Set<string>();
  for (const ci of cis) {
    if (ci.kind !== 'CustomResourceDefinition' || !isPlainObject(ci.object.spec)) continue;
    const { group, names } = ci.object.spec as { group?: unknown; names?: { kind?: unknown } };
    if (typeof group === 'string' && typeof names?.kind === 'string') defined.add(`${group}/${names.kind}`);
  }
  const out: Diagnostic[] = [];
  for (const ci of cis) {
    if (!ci.kubernetes || ci.namespace === CLUSTER_NAMESPACE) continue;
    const group = groupOf(ci.apiVersion);
    if ((BUILTIN_KINDS.has(ci.kind) && isBuiltinGroup(group)) || defined.has(`${group}/${ci.kind}`)) continue;
    const metadata = isPlainObject(ci.object.metadata) ? ci.object.metadata : {};
    if (typeof metadata.namespace === 'string' && metadata.namespace) continue;
    out.push(
      at(locate, {
        severity: 'info',
        code: 'kubernetes.scope-unknown',
        ci,
        pointer: '/metadata',
        message: `the scope of ${ci.kind} (${ci.apiVersion}) is unknown offline: no CustomResourceDefinition in the inventory defines it, so ${ci.id} assumes the namespace default until a target's discovery says otherwise`,
        hint: 'write metadata.namespace for a namespaced kind; a cluster-scoped one is recognised by the target when it is reachable',
      }),
    );
  }
  return out;
}
