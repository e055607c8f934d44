import type { Plan, PolicyResult } from '../../engine/index.js';

/** What a row shows in its policy column, worst first. */
export type PolicyState = 'deny' | 'error' | 'warn' | 'audit' | 'excepted' | 'ok';

const RANK: Readonly<Record<PolicyState, number>> = { deny: 0, error: 1, warn: 2, audit: 3, excepted: 4, ok: 5 };

/**
 * The state one policy result puts a CI in. An evaluation error of a deny
 * policy fails closed (engine/plan/types.ts), so it reads as `deny`; the
 * engine's `plan.policy.denied` stays the authority for blocking.
 */
export function stateOf(r: PolicyResult): PolicyState {
  if (r.outcome === 'excepted') return 'excepted';
  if (r.action === 'deny') return 'deny';
  if (r.outcome === 'error') return 'error';
  return r.action;
}

export function worst(states: Iterable<PolicyState>): PolicyState {
  let out: PolicyState = 'ok';
  for (const s of states) if (RANK[s] < RANK[out]) out = s;
  return out;
}

export interface PolicyIndex {
  /** CI identity → its results, in plan order. */
  readonly byCi: ReadonlyMap<string, readonly PolicyResult[]>;
  /** Results of plan-scope policies (ci null). */
  readonly planScope: readonly PolicyResult[];
  /** Worst state of each CI. */
  readonly stateByCi: ReadonlyMap<string, PolicyState>;
  /** Worst state over the whole plan, and how many results of each state. */
  readonly overall: PolicyState;
  readonly counts: Readonly<Record<PolicyState, number>>;
}

/** One pass over the plan's policy results. */
export function indexPolicies(plan: Plan): PolicyIndex {
  const byCi = new Map<string, PolicyResult[]>();
  const planScope: PolicyResult[] = [];
  const stateByCi = new Map<string, PolicyState>();
  const counts: Record<PolicyState, number> = { deny: 0, error: 0, warn: 0, audit: 0, excepted: 0, ok: 0 };
  for (const r of plan.policy.results) {
    const s = stateOf(r);
    counts[s]++;
    if (r.ci === null) {
      planScope.push(r);
      continue;
    }
    (byCi.get(r.ci) ?? byCi.set(r.ci, []).get(r.ci)!).push(r);
    stateByCi.set(r.ci, worst([s, stateByCi.get(r.ci) ?? 'ok']));
  }
  const overall = plan.policy.denied ? 'deny' : worst((Object.keys(counts) as PolicyState[]).filter((s) => counts[s] > 0));
  return { byCi, planScope, stateByCi, overall, counts };
}
