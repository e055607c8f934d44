import type { CIGraph } from '../graph/types.js';
import type { LoadedRepository } from '../load/types.js';
import { effectiveProvider, type CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { planHash } from '../plan/assemble-plan.js';
import { buildPlan, type PlanPolicyEvaluator } from '../plan/build-plan.js';
import type { PlanTargetInput } from '../plan/match-changes.js';
import type { Plan } from '../plan/types.js';
import { baseGraphFor } from './base-graph.js';
import { changedFiles } from './changed-files.js';
import { compareDocuments } from './compare-documents.js';
import type { PolicyChange } from './policy-changes.js';
import { isDenied } from '../policy/denied.js';

export interface ReviewInput {
  readonly base: Pick<LoadedRepository, 'revision' | 'cis' | 'files' | 'schemas' | 'config' | 'renders'>;
  readonly head: Pick<LoadedRepository, 'revision' | 'cis' | 'files' | 'schemas' | 'config' | 'renders'>;
  /**
   * The files whose blob differs between base and head, when the caller knows them (the indexed review: from git's
   * diff of the two trees); else the two file maps are compared whole (changedFiles).
   */
  readonly changedFiles?: ReadonlySet<string>;
  /** The validated head graph: impact of creates and updates. */
  readonly headGraph: CIGraph;
  /** The base graph, for the impact of deletes; default: derived from the head graph (baseGraphFor). */
  readonly baseGraph?: CIGraph;
  /** Change- and plan-scope policies, given the graphs the review settled on: the gate (the base's policies). */
  readonly policies?: (graphs: { headGraph: CIGraph; baseGraph: CIGraph }) => PlanPolicyEvaluator;
  /** The head's own policies, evaluated over the same changes and shown beside the gate (`headPolicy`). */
  readonly headPolicies?: (graphs: { headGraph: CIGraph; baseGraph: CIGraph }) => PlanPolicyEvaluator;
  /** Policies and exceptions the pull request adds, changes or removes (`policyChanges`). */
  readonly policyChanges?: readonly PolicyChange[];
  readonly now: Date;
  /**
   * `--target`: the head's changed CIs against the actual state. Called with the
   * changed CIs of head; returns the targets to plan them against (discovered).
   */
  readonly drift?: (changed: readonly CI[]) => Promise<readonly PlanTargetInput[]>;
}

/** The pseudo-target of a review: the desired state in Git. */
export const REVIEW_TARGET = 'git';

/**
 * What a pull request changes in the desired state and what it hits: a plan
 * whose "observed" side is the desired state at base. CIs added are creates,
 * changed are updates (whole-document diff), removed are deletes, a CI whose
 * file was renamed but whose document is the same is a noop. Only CIs written
 * in files whose blob changed are compared (changedFiles), so unchanged CIs are
 * neither listed nor counted. Impact: creates and updates on the head graph,
 * deletes on the base graph (by default the head graph plus the removed CIs,
 * so the base is never validated as a whole); policies see the base object as
 * `oldObject`.
 * `revision` is head, `base` is base; with `drift`, the plan of the changed CIs
 * against the actual state rides along as `drift`.
 */
export async function buildReview(input: ReviewInput): Promise<{ plan: Plan; diagnostics: Diagnostic[] }> {
  const touched = input.changedFiles ?? changedFiles(input.base.files, input.head.files);
  // a rendered object changes with any input of its unit (a values file, a base, a patch): its unit's key tells
  const touchedUnits = changedUnits(input.base.renders, input.head.renders);
  const candidate = (ci: CI) => (ci.origin.render ? touchedUnits.has(ci.origin.render.unit) : touched.has(ci.origin.file));
  const headCis = input.head.cis.filter(candidate);
  const baseCis = input.base.cis.filter(candidate);
  // A CI moved out of a changed file into an unchanged one (or back) is still compared.
  const headIds = new Set(headCis.map((c) => c.id));
  const baseIds = new Set(baseCis.map((c) => c.id));
  const needHead = baseCis.filter((c) => !headIds.has(c.id)).map((c) => c.id);
  const needBase = headCis.filter((c) => !baseIds.has(c.id)).map((c) => c.id);
  if (needHead.length) headCis.push(...pick(input.head.cis, needHead));
  if (needBase.length) baseCis.push(...pick(input.base.cis, needBase));

  const target: PlanTargetInput = {
    name: REVIEW_TARGET,
    provider: 'none',
    providerOf: (ci) => effectiveProvider(ci) ?? 'none',
    desired: headCis,
    observed: baseCis.map((ci) => ({ id: ci.id, object: ci.object, managedByPlumb: true })),
  };
  const deletedCis = new Map(baseCis.filter((c) => !input.headGraph.hasNode(c.id)).map((c) => [c.id, c]));
  const baseGraph = input.baseGraph ?? baseGraphFor(input.headGraph, baseCis, new Set(deletedCis.keys()));
  // The head's policies see exactly what the gate sees: evaluated inside the same build, results kept aside.
  const gate = input.policies?.({ headGraph: input.headGraph, baseGraph });
  const advisory = input.headPolicies?.({ headGraph: input.headGraph, baseGraph });
  let headPolicy: Plan['headPolicy'];
  const evaluator: PlanPolicyEvaluator | undefined =
    gate && advisory
      ? (view) => {
          const results = advisory(view).results;
          headPolicy = { results, denied: isDenied(results) };
          return gate(view);
        }
      : gate;
  const built = buildPlan({
    repo: input.head,
    graph: input.headGraph,
    deleteGraph: baseGraph,
    deletedCis,
    compare: compareDocuments,
    targets: [target],
    policies: evaluator,
    now: input.now,
    // hashed once, below, with `base` and `drift`
    hash: false,
  });
  const diagnostics = [...built.diagnostics];
  let plan: Plan = {
    ...built.plan,
    base: input.base.revision,
    // with no policy or exception changed, head and base judge alike: nothing more to show
    ...(input.policyChanges?.length ? { policyChanges: input.policyChanges } : {}),
    ...(headPolicy && input.policyChanges?.length ? { headPolicy } : {}),
  };
  if (input.drift) {
    const changed = new Set(plan.changes.filter((c) => c.action === 'create' || c.action === 'update').map((c) => c.id));
    const targets = (await input.drift(headCis.filter((c) => changed.has(c.id)))).map((t) => ({
      ...t,
      desired: t.desired.filter((c) => changed.has(c.id)),
      observed: t.observed.filter((o) => changed.has(o.id)),
    }));
    const drift = buildPlan({ repo: input.head, graph: input.headGraph, targets, now: input.now, perChangeImpact: false });
    diagnostics.push(...drift.diagnostics);
    plan = { ...plan, drift: drift.plan };
  }
  // `base` and `drift` are part of what the hash covers.
  const { hash: _old, ...rest } = plan;
  return { plan: { ...rest, hash: planHash(rest) }, diagnostics };
}

/** Units whose cache key (tool, version, settings, every input's blob) differs, or that exist on one side only. */
function changedUnits(base: LoadedRepository['renders'], head: LoadedRepository['renders']): Set<string> {
  const before = new Map((base ?? []).map((u) => [u.id, u.key]));
  const out = new Set<string>();
  for (const u of head ?? []) if (before.get(u.id) !== u.key) out.add(u.id);
  const after = new Set((head ?? []).map((u) => u.id));
  for (const u of base ?? []) if (!after.has(u.id)) out.add(u.id);
  return out;
}

function pick(cis: readonly CI[], ids: readonly string[]): CI[] {
  const wanted = new Set(ids);
  return cis.filter((c) => wanted.has(c.id));
}
