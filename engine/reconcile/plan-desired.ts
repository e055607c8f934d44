import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { buildPlan } from '../plan/build-plan.js';
import { discoverTargets } from '../plan/discover-targets.js';
import { planPolicies } from '../plan/plan-policies.js';
import { selectTargets } from '../plan/select-targets.js';
import type { Plan } from '../plan/types.js';
import type { DesiredState } from './desired-state.js';

/**
 * The second half of engine/plan's runPlan — discover → plan → policies — over
 * a desired state that is already loaded and validated (desired-state.ts), so
 * that a reconcile of an unchanged revision costs discovery and diffing only.
 * Like runPlan it refuses to plan against a partly read actual state: a
 * discovery error yields no plan.
 */
export async function planDesiredState(
  desired: DesiredState,
  options: { now: Date; signal: AbortSignal; cliSettings?: Readonly<Record<string, unknown>> },
): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const { repo, graph, policies } = desired;
  const discovered = await discoverTargets({
    config: repo.config,
    names: selectTargets(repo.config),
    cis: repo.cis,
    root: repo.root,
    cliSettings: options.cliSettings,
    signal: options.signal,
    locate: repo.locate,
  });
  if (hasErrors(discovered.blocking)) return { diagnostics: discovered.diagnostics };
  const built = buildPlan({
    repo,
    graph,
    targets: discovered.targets,
    policies: planPolicies({ policies: policies.policies, exceptions: policies.exceptions, graph, now: options.now }),
    now: options.now,
  });
  return { plan: built.plan, diagnostics: [...discovered.diagnostics, ...built.diagnostics] };
}
