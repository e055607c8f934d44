import type { CI } from '../model/ci.js';
import type { ObservedObject } from '../providers/contract.js';

export interface Match {
  readonly pairs: readonly { readonly desired: CI; readonly observed: ObservedObject }[];
  /** Desired with no observed counterpart. */
  readonly creates: readonly CI[];
  /** Observed, not in Git, not created by plumb: listed, never touched. */
  readonly unmanaged: readonly ObservedObject[];
  /**
   * Observed, not in Git, created by plumb (managedByPlumb): a CI removed from
   * Git. The plan lists each as a `delete` change; whether apply carries it out
   * is the prune gate (config.sync.prune or `--prune`), as Argo CD does —
   * listing it always lets a reviewer see what Git no longer describes.
   */
  readonly deletes: readonly ObservedObject[];
}

/**
 * One identity across scopes. Offline, the scope of a kind plumb does not
 * know (a custom resource whose CRD is not in Git) cannot be told, and its
 * identity takes the namespace it declares or `default`; a reachable target
 * answers from its discovery documents, e.g. `_cluster`. An observed object
 * whose kind and name a desired Kubernetes CI names, one side cluster-scoped
 * and the other not, and which no desired CI names exactly, is the same
 * object: it is re-keyed to the desired identity — so a plan can never create
 * it under one scope and delete it under the other. (The apiVersion is not in
 * an identity at all: an object read at another version is the same object.)
 * Objects are returned in input order; those not re-keyed are the same values.
 */
export function alignScopes(desired: readonly CI[], observed: readonly ObservedObject[]): ObservedObject[] {
  // Only an observed identity no desired CI has can be re-keyed — most plans have a handful (unmanaged objects,
  // deletes) among 100k — so what the search needs is built only when it needs it.
  const declared = desiredById(desired);
  let taken: Set<string> | undefined;
  const isTaken = (id: string): boolean => (taken ??= new Set(observed.map((o) => o.id))).has(id);
  let byKindName: Map<string, string[]> | undefined;
  return observed.map((o) => {
    if (declared.has(o.id)) return o;
    let match: string | undefined;
    if (!o.id.includes(':_cluster/')) {
      // a namespaced identity has one cluster-scoped counterpart
      const colon = o.id.indexOf(':');
      const candidate = `${o.id.slice(0, colon)}:_cluster/${o.id.slice(o.id.indexOf('/', colon) + 1)}`;
      if (declared.get(candidate)?.kubernetes && !isTaken(candidate)) match = candidate;
    } else {
      byKindName ??= kubernetesByKindName(desired);
      match = byKindName.get(kindName(o.id))?.find((id) => !id.includes(':_cluster/') && !isTaken(id));
    }
    if (!match) return o;
    taken!.add(match);
    return { ...o, id: match };
  });
}

/** Desired Kubernetes identities by `kind/name`, in desired order. */
function kubernetesByKindName(desired: readonly CI[]): Map<string, string[]> {
  const byKindName = new Map<string, string[]>();
  for (const d of desired) {
    if (!d.kubernetes) continue;
    const key = kindName(d.id);
    const ids = byKindName.get(key);
    if (ids) ids.push(d.id);
    else byKindName.set(key, [d.id]);
  }
  return byKindName;
}

const byIdCache = new WeakMap<readonly CI[], Map<string, CI>>();
/** Identity → desired CI (a Kubernetes one, if two share it), once per array. */
function desiredById(desired: readonly CI[]): Map<string, CI> {
  let byId = byIdCache.get(desired);
  if (!byId) {
    byId = new Map();
    for (const d of desired) if (!byId.has(d.id) || d.kubernetes) byId.set(d.id, d);
    byIdCache.set(desired, byId);
  }
  return byId;
}

/** `kind/name` of an identity `kind:namespace/name`. */
function kindName(id: string): string {
  const colon = id.indexOf(':');
  return `${id.slice(0, colon)}/${id.slice(id.indexOf('/', colon) + 1)}`;
}

/**
 * Pairs desired and observed by identity, in one pass over each side. Order
 * follows the inputs (desired order for pairs and creates, observed order for
 * the rest). An observed identity seen twice keeps its first object.
 */
export function matchObserved(desired: readonly CI[], observed: readonly ObservedObject[]): Match {
  const byId = new Map<string, ObservedObject>();
  for (const o of alignScopes(desired, observed)) if (!byId.has(o.id)) byId.set(o.id, o);
  const pairs: { desired: CI; observed: ObservedObject }[] = [];
  const creates: CI[] = [];
  const wanted = desiredById(desired);
  for (const d of desired) {
    const o = byId.get(d.id);
    if (o) pairs.push({ desired: d, observed: o });
    else creates.push(d);
  }
  const unmanaged: ObservedObject[] = [];
  const deletes: ObservedObject[] = [];
  for (const o of byId.values()) {
    if (wanted.has(o.id)) continue;
    (o.managedByPlumb ? deletes : unmanaged).push(o);
  }
  return { pairs, creates, unmanaged, deletes };
}
