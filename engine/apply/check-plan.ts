import { PlumbError } from '../model/errors.js';
import { fingerprintOf } from '../model/canonical-json.js';
import type { PlumbConfig } from '../config/types.js';
import { alignScopes } from '../diff/match-observed.js';
import { checkPruneGuards } from '../plan/prune-guard.js';
import type { Plan, PlannedChange } from '../plan/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Provider } from '../providers/contract.js';
import { ciFromChange } from './plan-cis.js';
import { denials as blockingResults } from '../policy/denied.js';

/**
 * A plan a policy denied is applied only with an override reason, which the
 * caller records. Throws PlumbError `policy.denied`.
 */
export function assertNotDenied(plan: Plan, overridePolicy: string | undefined): void {
  if (!plan.policy.denied) return;
  if (overridePolicy && overridePolicy.trim()) return;
  const denials = blockingResults(plan.policy.results);
  const named = denials
    .slice(0, 5)
    .map((r) => `${r.policy}${r.ci ? ` on ${r.ci}` : ''}`)
    .join(', ');
  throw new PlumbError('policy.denied', `the plan is denied by policy: ${named || 'see the plan'}`, {
    hint: 'fix the change, add a PolicyException, or apply with --override-policy "REASON" (recorded in the audit log)',
    data: { denials: denials.map((r) => ({ policy: r.policy, ci: r.ci })) },
  });
}

/**
 * With prune on, the prune guards (engine/plan/prune-guard.ts) must pass for
 * every target applied: otherwise PlumbError `prune.refused`, naming each
 * target and why, before anything is written.
 */
export function assertPruneAllowed(plan: Plan, config: Pick<PlumbConfig, 'prune' | 'targets'>, targets: ReadonlySet<string>): void {
  const refused = checkPruneGuards(plan, config, targets);
  if (refused.length === 0) return;
  throw new PlumbError('prune.refused', refused.map((d) => d.message).join('; '), {
    hint: refused.map((d) => d.hint).join('; '),
    data: { guards: refused.map((d) => d.code) },
  });
}

/**
 * A change that would take over an object another inventory owns (the plan's
 * `owner`) needs `adopt`: otherwise PlumbError `ownership.conflict`, naming
 * each object and its owner.
 */
export function assertNoTakeover(changes: readonly PlannedChange[]): void {
  const taken = changes.filter((c) => c.owner !== undefined);
  if (taken.length === 0) return;
  throw new PlumbError(
    'ownership.conflict',
    `refusing to take over ${taken
      .map((c) => `${c.id} (owned by inventory ${c.owner})`)
      .slice(0, 10)
      .join(', ')}${taken.length > 10 ? ` and ${taken.length - 10} more` : ''}`,
    {
      hint: 'remove them from one of the two repositories, or apply with --adopt to make this inventory their owner',
      data: { objects: taken.map((c) => ({ id: c.id, owner: c.owner })) },
    },
  );
}

/**
 * Re-discovers every CI the plan changes and compares fingerprints (sha256 of
 * the canonical JSON of the observed object — engine/plan's `fingerprintOf`,
 * so both sides agree by construction). Anything that changed, appeared or
 * vanished since planning makes the plan stale: PlumbError `plan.stale` naming
 * the CIs. One discover per target, a map lookup per CI.
 *
 * Unchanged (noop) CIs are not re-checked: the plan does not touch them, a
 * saved plan carries no desired document for them (and some providers, like
 * file, can only observe a CI they are shown), and drift there is the next
 * plan's business, not a reason to refuse this one.
 */
export async function assertFresh(
  plan: Plan,
  providers: ReadonlyMap<string, Provider>,
  targets: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<Diagnostic[]> {
  const byTarget = new Map<string, string[]>();
  for (const c of plan.changes) {
    if (c.action === 'noop' || !targets.has(c.target) || plan.fingerprints[c.id] === undefined) continue;
    let ids = byTarget.get(c.target);
    if (!ids) byTarget.set(c.target, (ids = []));
    ids.push(c.id);
  }
  const changesById = new Map(plan.changes.map((c) => [c.id, c]));
  const diagnostics: Diagnostic[] = [];
  const stale: { id: string; planned: string; now: string }[] = [];
  for (const [target, ids] of byTarget) {
    const provider = providers.get(target);
    if (!provider) throw noProvider(target);
    const desired = ids.flatMap((id) => {
      const c = changesById.get(id);
      return c ? [ciFromChange(c)] : [];
    });
    // only the objects the plan changes, when each names its type; a delete has no desired document,
    // and is found by the sweep as the plan found it
    const answer = await provider.discover({ desired, desiredOnly: desired.every((ci) => ci.apiVersion !== '') }, signal);
    diagnostics.push(...answer.diagnostics);
    if (answer.diagnostics.some((d) => d.severity === 'error')) {
      throw new PlumbError('apply.discover-failed', `could not read the actual state of target ${target} to check the plan`, {
        hint: 'fix the provider error (see the diagnostics) and apply again',
        data: { target, diagnostics: answer.diagnostics },
      });
    }
    const observed = new Map(alignScopes(desired, answer.observed).map((o) => [o.id, o.object]));
    for (const id of ids) {
      const now = fingerprintOf(observed.get(id));
      if (now !== plan.fingerprints[id]) stale.push({ id, planned: plan.fingerprints[id], now });
    }
  }
  if (stale.length > 0) {
    const named =
      stale
        .slice(0, 10)
        .map((s) => s.id)
        .join(', ') + (stale.length > 10 ? ` and ${stale.length - 10} more` : '');
    throw new PlumbError('plan.stale', `plan is stale: ${named} changed since it was planned`, {
      hint: 'run `plumb plan` again',
      data: { cis: stale.map((s) => s.id) },
    });
  }
  return diagnostics;
}

export function noProvider(target: string): PlumbError {
  return new PlumbError('apply.no-provider', `the plan names target ${target}, which plumb.yaml does not configure`, {
    hint: 'plan again with the current plumb.yaml, or add the target back',
    data: { target },
  });
}
