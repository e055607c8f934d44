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
  /** The last apply this controller ran: its audit run id, outcome, the CIs not applied, and when it finished (ISO 8601). */
  readonly lastApply?: { readonly run: string; readonly outcome: string; readonly failed: readonly string[]; readonly time?: string };
  /** The incidents the monitor holds open (engine/reconcile/monitoring/), newest reconcile's view. */
  readonly incidents?: { readonly open: number; readonly items: readonly OpenIncident[] };
  readonly failure?: {
    readonly kind: FailureKind;
    readonly reason: FailureReason;
    readonly message: string;
    readonly attempt: number;
    readonly nextRetryInMs?: number;
  };
  readonly conditions: readonly Condition[];
}

/** An open incident as the status lists it; `plumb incidents` has the whole ticket. */
export interface OpenIncident {
  readonly dedupeKey: string;
  readonly severity: string;
  /** `down`, or the condition kind of a warning-only incident. */
  readonly failure: string;
  readonly cause: readonly string[];
  readonly symptoms: number;
  readonly businessServices: readonly string[];
  /** ISO 8601. */
  readonly firstSeen: string;
  /** The `plumb restore` that undoes the likely change, when there is one. */
  readonly restore?: string;
}

/** Argo CD's two verdicts, from a status: is the cluster at the newest revision, and is it healthy. */
export interface StatusVerdict {
  /**
   * `Synced`: the newest revision is the one applied and nothing is held back
   * or failed; `OutOfSync`: a newer revision is refused or not yet applied, or
   * changes are held (manual, self-heal or prune off), or the last apply
   * failed (the revision is then not the last applied one);
   * `Unknown`: nothing planned yet.
   */
  readonly sync: 'Synced' | 'OutOfSync' | 'Unknown';
  /**
   * `Healthy`: Ready and no open incident; `Progressing`: a reconcile is
   * running; `Degraded`: not Ready (the last reconcile failed), Stalled, or an
   * incident is open; `Unknown`: no reconcile finished yet.
   */
  readonly health: 'Healthy' | 'Progressing' | 'Degraded' | 'Unknown';
}

/** The sync and health verdicts of a status (the rules of {@link StatusVerdict}). */
export function statusVerdict(status: ControllerStatus): StatusVerdict {
  const condition = (type: Condition['type']) => status.conditions.find((c) => c.type === type)?.status;
  const plan = status.plan;
  const sync: StatusVerdict['sync'] = !plan
    ? 'Unknown'
    : status.refusedRevision || (status.revision !== undefined && status.revision !== status.lastAppliedRevision) || plan.held.length > 0
      ? 'OutOfSync'
      : 'Synced';
  const health: StatusVerdict['health'] =
    condition('Reconciling') === 'True'
      ? 'Progressing'
      : condition('Stalled') === 'True' || condition('Ready') === 'False' || (status.incidents?.open ?? 0) > 0
        ? 'Degraded'
        : condition('Ready') === 'True'
          ? 'Healthy'
          : 'Unknown';
  return { sync, health };
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
