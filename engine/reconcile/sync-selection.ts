import type { SyncConfig } from '../config/types.js';
import type { CI } from '../model/ci.js';
import type { Plan, PlannedChange } from '../plan/types.js';

/** The per-CI override of plumb.yaml's `sync.policy`. */
export const SYNC_POLICY_ANNOTATION = 'plumb.io/sync-policy';

/** Why a change of the plan is reported but not applied. */
export type HoldReason = 'manual' | 'self-heal-off' | 'prune-off';

export interface SyncSelection {
  /** Changes the loop applies now. */
  readonly apply: readonly PlannedChange[];
  /** Changes it only reports, and why. */
  readonly held: readonly { id: string; action: string; reason: HoldReason }[];
  /** Changes that are drift: the CI's desired document is the one last applied, but the actual state moved. */
  readonly drift: readonly string[];
}

/**
 * Which planned changes an automated loop may carry out (Argo CD's sync
 * options, per CI):
 *
 * - a CI annotated `plumb.io/sync-policy: manual` (or every CI, under
 *   `sync.policy: manual` unless annotated `automated`) is reported, never
 *   applied;
 * - a create/update of a CI whose desired document Git changed since the last
 *   apply is applied; one whose document Git did *not* change is drift, applied
 *   only with `selfHeal`;
 * - a delete (a plumb-owned object no longer in Git) is applied only with
 *   `prune`.
 *
 * `lastApplied` maps CI id → digest of the desired document last applied;
 * `undefined` (no apply yet since the controller started) counts every change
 * as a Git change — the first sync brings the cluster to Git, as Argo CD's
 * does. One pass over the changes; CIs are looked up by id.
 */
export function selectSync(input: {
  readonly plan: Plan;
  readonly sync: SyncConfig;
  readonly cis: ReadonlyMap<string, CI>;
  readonly digests: ReadonlyMap<string, string>;
  readonly lastApplied: ReadonlyMap<string, string> | undefined;
}): SyncSelection {
  const { plan, sync, cis, digests, lastApplied } = input;
  const apply: PlannedChange[] = [];
  const held: { id: string; action: string; reason: HoldReason }[] = [];
  const drift: string[] = [];
  for (const change of plan.changes) {
    if (change.action === 'noop') continue;
    const ci = cis.get(change.id);
    const gitChanged = change.action === 'delete' || !lastApplied || lastApplied.get(change.id) !== digests.get(change.id);
    if (!gitChanged) drift.push(change.id);
    const hold = holdReason(change, ci, sync, gitChanged);
    if (hold) held.push({ id: change.id, action: change.action, reason: hold });
    else apply.push(change);
  }
  return { apply, held, drift };
}

function holdReason(change: PlannedChange, ci: CI | undefined, sync: SyncConfig, gitChanged: boolean): HoldReason | undefined {
  const annotated = ci?.annotations[SYNC_POLICY_ANNOTATION];
  const policy = annotated === 'manual' || annotated === 'automated' ? annotated : sync.policy;
  if (policy === 'manual') return 'manual';
  if (change.action === 'delete') return sync.prune ? undefined : 'prune-off';
  if (!gitChanged && !sync.selfHeal) return 'self-heal-off';
  return undefined;
}

/**
 * The digests to remember as "last applied" after an apply: the revision's
 * digests, except for CIs whose change was not applied (held or failed), which
 * keep what was applied before — so a manual CI's Git change is not mistaken
 * for drift later, and a failed one is retried as a Git change.
 */
export function nextApplied(
  digests: ReadonlyMap<string, string>,
  previous: ReadonlyMap<string, string> | undefined,
  notApplied: Iterable<string>,
): Map<string, string> {
  const next = new Map(digests);
  for (const id of notApplied) {
    const before = previous?.get(id);
    if (before === undefined) next.delete(id);
    else next.set(id, before);
  }
  return next;
}
