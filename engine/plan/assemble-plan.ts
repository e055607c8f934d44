import type { ImpactSummary, Plan, PlannedChange, PolicyResult } from './types.js';
import { canonicalSha256 } from '../model/canonical-json.js';
import { PLAN_VERSION, toPlanFile } from './plan-file.js';
import { isDenied } from '../policy/denied.js';
import { pruneCounts } from './prune-guard.js';

const ACTION_ORDER = { create: 0, update: 1, replace: 2, delete: 3, noop: 4 } as const;

export interface AssembleInput {
  readonly revision: string;
  readonly now: Date;
  readonly targets: readonly string[];
  readonly changes: readonly PlannedChange[];
  readonly unmanaged: readonly { id: string; target: string }[];
  readonly fingerprints: Readonly<Record<string, string>>;
  readonly impact: ImpactSummary;
  readonly policyResults: readonly PolicyResult[];
  /** false: `hash` is left empty, for a caller that completes the plan and hashes it then (default true). */
  readonly hash?: boolean;
}

/**
 * The last stage: puts the pieces into the immutable Plan value. Changes are
 * ordered the way apply walks them — by wave, creates before updates before
 * deletes inside a wave, then by identity; noops (wave 0) last. `backups` lists
 * every CI apply touches — creates too, because a backup that records "did not
 * exist" is what lets a rollback delete it again. `hash` covers everything
 * else, in canonical form, so a plan file edited by hand is detected.
 */
export function assemblePlan(input: AssembleInput): Plan {
  const changes = [...input.changes].sort(
    (a, b) =>
      (a.wave === 0 ? 1 : 0) - (b.wave === 0 ? 1 : 0) ||
      a.wave - b.wave ||
      ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const summary: Plan['summary'] = countActions(changes, input.unmanaged.length);
  const withoutHash: Omit<Plan, 'hash'> = {
    version: PLAN_VERSION,
    revision: input.revision,
    createdAt: input.now.toISOString(),
    targets: [...input.targets],
    summary,
    fingerprints: input.fingerprints,
    changes,
    unmanaged: input.unmanaged,
    impact: input.impact,
    policy: { results: input.policyResults, denied: isDenied(input.policyResults) },
    targetSizes: Object.fromEntries(pruneCounts({ changes, targets: input.targets }).map((n) => [n.target, { desired: n.desired, managed: n.managed }])),
    backups: changes.filter((c) => c.action !== 'noop').map((c) => c.id),
  };
  return { ...withoutHash, hash: input.hash === false ? '' : planHash(withoutHash) };
}

/**
 * The plan's summary: changes per action, and the unmanaged count. `replace`
 * is there only when the plan has one (plans without stay as they were).
 */
export function countActions(changes: readonly PlannedChange[], unmanaged: number): Plan['summary'] {
  const summary: { -readonly [K in keyof Plan['summary']]: Plan['summary'][K] } = { create: 0, update: 0, delete: 0, noop: 0, unmanaged };
  for (const c of changes) summary[c.action] = (summary[c.action] ?? 0) + 1;
  return summary;
}

/**
 * sha256 of the canonical JSON of a plan without its `hash`, in the form a plan
 * file holds it (engine/plan/plan-file.ts: each object once; a version 1 plan
 * in its full form): what apply checks a plan file against.
 * The `diagnostics` that `plan -o json` appends are a report about the plan, not part of it, and are not covered.
 */
export function planHash(plan: Omit<Plan, 'hash'> | Plan): string {
  const { hash: _ignored, diagnostics: _report, ...rest } = toPlanFile(plan) as Plan & { diagnostics?: unknown };
  return canonicalSha256(rest);
}
