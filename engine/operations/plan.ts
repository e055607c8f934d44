import { hasRedactions } from '../apply/hydrate-secrets.js';
import { planKey, withSecretDigests } from '../apply/plan-integrity.js';
import type { LoadedRepository } from '../load/types.js';
import { runPlan, type RunPlanOptions, type RunPlanResult } from '../plan/run-plan.js';
export type { ValidatedDesiredState } from '../plan/run-plan.js';
import type { Plan } from '../plan/types.js';
import { renderPlanJson } from '../report/plan-json.js';

export type PlanOptions = RunPlanOptions;
export type PlanResult = RunPlanResult;

/**
 * `plumb plan`: load → validate → policies → discover each target (providers
 * opened and closed here) → diff → impact → policies → the plan. The plan
 * holds no secret value (see {@link apply}, which fills them back in). Invalid
 * input and failed discovery are diagnostics with no plan.
 *
 * With `desired` (a revision already loaded and validated, as the controller
 * keeps one) it starts at discovery; with `openProvider` the providers are the
 * caller's (the in-memory fake in tests). Both are the same composition the
 * CLI and the TUI run, so the controller plans exactly as `plumb plan` does
 * (save `capacity: false`, see {@link PlanOptions}).
 */
export function plan(opts: PlanOptions = {}): Promise<PlanResult> {
  return runPlan(opts);
}

/**
 * The text of a plan file (`plumb plan --out`): the plan's JSON, and when it
 * is a work-tree plan whose desired documents hold redacted secrets, a keyed digest of each
 * (engine/apply/plan-integrity.ts, key from PLUMB_PLAN_KEY / PLUMB_PLAN_KEY_FILE /
 * .plumb/plan.key, created when missing) so that {@link apply} with
 * `reviewed: true` can tell a secret changed after planning.
 */
export async function renderPlanFile(planned: { readonly plan: Plan; readonly repo: Pick<LoadedRepository, 'root' | 'cis'> }): Promise<string> {
  const { plan: p, repo } = planned;
  // for a work-tree plan (a commit cannot change) a keyed digest lets apply tell a secret changed since
  const worktree = p.revision.startsWith('worktree');
  const key = worktree && p.changes.some((c) => c.desired && hasRedactions(c.desired)) ? await planKey(repo.root, true) : undefined;
  return renderPlanJson(key ? withSecretDigests(p, new Map(repo.cis.map((ci) => [ci.id, ci])), key) : p);
}
