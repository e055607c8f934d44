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
 * Pairs desired and observed by identity, in one pass over each side. Order
 * follows the inputs (desired order for pairs and creates, observed order for
 * the rest). An observed identity seen twice keeps its first object.
 */
export function matchObserved(desired: readonly CI[], observed: readonly ObservedObject[]): Match {
  const byId = new Map<string, ObservedObject>();
  for (const o of observed) if (!byId.has(o.id)) byId.set(o.id, o);
  const pairs: { desired: CI; observed: ObservedObject }[] = [];
  const creates: CI[] = [];
  const wanted = new Set<string>();
  for (const d of desired) {
    wanted.add(d.id);
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
