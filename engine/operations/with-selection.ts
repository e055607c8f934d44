import type { Plan } from '../plan/types.js';
import { isDenied } from '../policy/denied.js';

/**
 * A plan narrowed to the changes of `ids`: what apply gets when only some
 * changes may go (the TUI's selection, the controller's sync policy).
 *
 * Recomputed: `changes` (only the selected ones, in plan order; noops and
 * everything else dropped — apply neither backs up, checks nor touches what is
 * not there), `backups` (only selected CIs), `summary.create/update/delete`
 * (counted over the selection), `policy.results` (those about a selected CI,
 * plus plan-scope ones) and `policy.denied` from them — so a denial of a
 * change that was not selected does not block the others.
 *
 * Kept as planned: `hash` (the audit log names the plan the selection came
 * from), `revision`, `createdAt`, `targets`, `fingerprints`, `unmanaged`,
 * `summary.noop/unmanaged` and the whole-plan `impact`.
 */
export function withSelection(plan: Plan, ids: Iterable<string>): Plan {
  const chosen = new Set(ids);
  const changes = plan.changes.filter((c) => c.action !== 'noop' && chosen.has(c.id));
  const kept = new Set(changes.map((c) => c.id));
  const results = plan.policy.results.filter((r) => r.ci === null || kept.has(r.ci));
  const count = (action: string) => changes.filter((c) => c.action === action).length;
  return {
    ...plan,
    changes,
    backups: plan.backups.filter((id) => kept.has(id)),
    summary: {
      ...plan.summary,
      create: count('create'),
      update: count('update'),
      ...(count('replace') ? { replace: count('replace') } : {}),
      delete: count('delete'),
    },
    policy: { results, denied: isDenied(results) },
  };
}
