import type { CapacityLookup } from '../capacity/view.js';
import type { CIGraph } from '../graph/types.js';
import { simulateImpact } from '../impact/simulate.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { evaluatePolicies } from '../policy/evaluate.js';
import type { CompiledPolicy, PolicyException } from '../policy/types.js';
import type { PlanPolicyEvaluator } from './build-plan.js';

export interface PlanPoliciesOptions {
  readonly policies: readonly CompiledPolicy[];
  readonly exceptions?: readonly PolicyException[];
  /** The desired graph. */
  readonly graph: CIGraph;
  /** Where deleted CIs still are (a review's base graph). */
  readonly baseGraph?: CIGraph;
  /** The clock policies see as `now` (change windows). */
  readonly now: Date;
  /** The capacity forecasts policies see as `capacity` (engine/capacity/view.ts `forecastForPlan`). */
  readonly capacity?: CapacityLookup;
}

/**
 * Binds engine/policy to one plan: change-scope policies over every changed CI,
 * then plan-scope policies once over the plan view. Results keep that order
 * (change first); an expired exception's warning is reported once even if
 * policies of both scopes name it.
 */
export function planPolicies(options: PlanPoliciesOptions): PlanPolicyEvaluator {
  const simulate = (req: Parameters<typeof simulateImpact>[1]) => {
    const graph = req.event === 'delete' && options.baseGraph && !req.sources.every((s) => options.graph.hasNode(s)) ? options.baseGraph : options.graph;
    return simulateImpact(graph, req);
  };
  return ({ changes, plan }) => {
    const common = {
      policies: options.policies,
      exceptions: options.exceptions,
      graph: options.graph,
      baseGraph: options.baseGraph,
      now: options.now,
      simulate,
      capacity: options.capacity,
    };
    const change = evaluatePolicies({ ...common, scope: 'change', changes, plan });
    const whole = evaluatePolicies({ ...common, scope: 'plan', plan });
    const seen = new Set<string>();
    const diagnostics: Diagnostic[] = [];
    for (const d of [...change.diagnostics, ...whole.diagnostics]) {
      const key = `${d.code}\0${d.file}\0${d.line}\0${d.message}`;
      if (!seen.has(key)) diagnostics.push(d), seen.add(key);
    }
    return { results: [...change.results, ...whole.results], diagnostics };
  };
}
