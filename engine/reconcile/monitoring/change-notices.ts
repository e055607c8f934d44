import type { Notification } from '../../incidents/slack-message.js';
import type { ReconcileRound } from '../reconciler.js';

type NoticeKind = 'drift' | 'apply' | 'failure';

/**
 * The chat notifications of a reconcile — drift detected, an apply, a failed
 * reconcile — deduplicated as the controller's Kubernetes Events are: the
 * same kind with the same content is told once, not once per loop. Drift
 * that clears, and a failure followed by a success, are forgotten, so their
 * return is news again.
 *
 * "Drift" is what differs from Git and this round does not bring to Git: the
 * sync policy's drift (the actual state moved since the last apply) and the
 * changes it holds (a manual policy, self-heal or prune off) — under
 * `sync.policy: manual` every change of the plan. A Git change being applied
 * is not drift; it is told as the apply.
 */
export class ChangeNotices {
  private readonly last = new Map<NoticeKind, string>();

  of(round: ReconcileRound): Notification[] {
    const out: Notification[] = [];
    const tell = (kind: NoticeKind, content: unknown, notification: Notification) => {
      const text = JSON.stringify(content);
      if (this.last.get(kind) === text) return;
      this.last.set(kind, text);
      out.push(notification);
    };

    if (round.selection && round.desired) {
      // what differs from Git and is not being brought to Git right now: drift, and changes the sync policy holds
      const drifted = [...new Set([...round.selection.drift, ...round.selection.held.map((h) => h.id)])].sort();
      if (drifted.length === 0) this.last.delete('drift');
      else {
        tell('drift', drifted, {
          type: 'drift',
          revision: round.desired.revision,
          drifted,
          ...(round.plan?.summary.unmanaged ? { unmanaged: round.plan.summary.unmanaged } : {}),
        });
      }
    }

    const report = round.report;
    if (report && round.desired) {
      const applied = report.changes.filter((c) => c.result === 'applied');
      const failed = report.changes
        .filter((c) => c.result === 'failed' || c.result === 'unhealthy')
        .map((c) => c.id)
        .sort();
      const restored = report.rollbacks.flatMap((r) => r.restored).sort();
      const count = (action: string) => applied.filter((c) => c.action === action).length;
      const ok = report.outcome === 'succeeded';
      tell(
        'apply',
        { revision: round.desired.revision, ok, applied: applied.map((c) => `${c.action} ${c.id}`).sort(), failed },
        {
          type: 'apply',
          revision: round.desired.revision,
          ok,
          summary: { create: count('create'), update: count('update'), delete: count('delete') },
          ...(failed.length ? { failed } : {}),
          ...(restored.length ? { restored } : {}),
        },
      );
    }

    const outcome = round.outcome;
    if (outcome.result === 'succeeded') this.last.delete('failure');
    else if (outcome.result === 'transient' || outcome.result === 'terminal') {
      const { reason, message } = outcome.error;
      tell(
        'failure',
        { reason, message },
        {
          type: 'failure',
          title: `reconcile ${outcome.result === 'terminal' ? 'stalled' : 'failed'}: ${reason}`,
          message,
          ...(round.status.revision ? { revision: round.status.revision } : {}),
        },
      );
    }
    return out;
  }
}
