import type { Plan } from '../plan/types.js';
import type { FailureKind, FailureReason } from './classify-error.js';
import type { HoldReason } from './sync-selection.js';

/** A Kubernetes-style condition (metav1.Condition's fields). */
export interface Condition {
  readonly type: 'Ready' | 'Reconciling' | 'Stalled';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

/**
 * What the controller reports after every reconcile (schemas/controller-status.schema.json):
 * written to the ConfigMap `plumb-status` as `status.json`, and served as JSON.
 */
export interface ControllerStatus {
  /** The source, without credentials. */
  readonly source: string;
  /** The replica that wrote this status. */
  readonly identity: string;
  /** The newest revision fetched. */
  readonly revision?: string;
  /** The revision the cluster was last reconciled to (the last good one). */
  readonly lastAppliedRevision?: string;
  /** A newer revision that was refused (invalid, or denied by policy), with why. */
  readonly refusedRevision?: { readonly revision: string; readonly reason: FailureReason; readonly message: string };
  readonly lastReconcileTime?: string;
  /** The summary of the last plan, and what the loop did with its changes. */
  readonly plan?: {
    readonly revision: string;
    readonly hash: string;
    readonly summary: Plan['summary'];
    readonly denied: boolean;
    readonly applied: number;
    readonly held: readonly { id: string; action: string; reason: HoldReason }[];
    readonly drift: readonly string[];
  };
  readonly lastApply?: { readonly run: string; readonly outcome: string; readonly failed: readonly string[] };
  readonly failure?: {
    readonly kind: FailureKind;
    readonly reason: FailureReason;
    readonly message: string;
    readonly attempt: number;
    readonly nextRetryInMs?: number;
  };
  readonly conditions: readonly Condition[];
}

/**
 * Sets a condition, keeping `lastTransitionTime` when the status did not
 * change (as meta.SetStatusCondition does).
 */
export function setCondition(conditions: readonly Condition[], next: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] {
  const prior = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = prior && prior.status === next.status ? prior.lastTransitionTime : now.toISOString();
  const order: Condition['type'][] = ['Ready', 'Reconciling', 'Stalled'];
  return [...conditions.filter((c) => c.type !== next.type), { ...next, lastTransitionTime }].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
