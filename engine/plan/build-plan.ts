import { renderedPlace } from '../render/provenance.js';
import type { PlumbConfig } from '../config/types.js';
import type { CIGraph } from '../graph/types.js';
import type { LoadedRepository } from '../load/types.js';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ChangeContext, PlanView } from '../policy/types.js';
import { assemblePlan, countActions } from './assemble-plan.js';
import { fingerprintOf } from '../model/canonical-json.js';
import { diffChanges, type CompareFn } from './diff-changes.js';
import { impactOfChanges } from './impact-changes.js';
import { matchChanges, type PlanTargetInput } from './match-changes.js';
import { graphOfDeleted, observedCi } from './observed-cis.js';
import { topologicalWaves } from './topological-waves.js';
import { LEGACY_OWNER } from '../providers/managed-label.js';
import type { Plan, PlannedChange, PolicyResult } from './types.js';
import { defineLazyCreateText, lazyCreateText } from '../diff/text-diff.js';

/**
 * Evaluates the change- and plan-scope policies over a plan in the making
 * (engine/policy bound to the repository's policies, graph and clock by the
 * caller). Injected so the planner does not depend on how policies are loaded.
 */
export type PlanPolicyEvaluator = (input: { readonly changes: readonly ChangeContext[]; readonly plan: PlanView }) => {
  readonly results: readonly PolicyResult[];
  readonly diagnostics: readonly Diagnostic[];
};

export interface BuildPlanInput {
  readonly repo: Pick<LoadedRepository, 'revision' | 'schemas' | 'config'>;
  /** The validated desired graph. */
  readonly graph: CIGraph;
  readonly targets: readonly PlanTargetInput[];
  readonly policies?: PlanPolicyEvaluator;
  /** The plan's `createdAt`; injectable so plans are reproducible in tests. */
  readonly now: Date;
  /** Default `repo.config`. */
  readonly config?: PlumbConfig;
  /** Review: the graph deleted CIs live in (the base), for their waves and impact. */
  readonly deleteGraph?: CIGraph;
  /** Review: the CIs being deleted as they were (policies see them as `object`). */
  readonly deletedCis?: ReadonlyMap<string, CI>;
  /** Review: whole-document comparison instead of declared fields. */
  readonly compare?: CompareFn;
  /** Simulate every change alone (default true); the bench measures the cost. */
  readonly perChangeImpact?: boolean;
  /**
   * Review: false leaves `hash` empty for the caller, which completes the plan
   * (`base`, `drift`) and hashes it then — hashing it here too was a second
   * canonical walk of every change and impact (~40 ms of a 50-CI review at 100k CIs).
   */
  readonly hash?: boolean;
}

/**
 * Builds the immutable plan from the desired graph and what the targets'
 * providers observed. Stages, in the order they must run (as Terraform's graph
 * transformers, each needs what the ones before produced):
 *
 *  1. match   — pair desired and observed by identity; orphans are unmanaged or deletes.
 *  2. diff    — per pair: action, RFC 6902 patch, text diff, all redacted.
 *               Before waves: only changed CIs are ordered.
 *  3. waves   — topological order of the changed CIs, deletes reversed after.
 *  4. impact  — the change set's blast radius, and each change's own.
 *               Before policies: they read `impact`.
 *  5. policy  — change scope per changed CI, then plan scope over the summary.
 *  6. assemble — sort, count, fingerprint, list backups, hash.
 */
export function buildPlan(input: BuildPlanInput): { plan: Plan; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const repo = { ...input.repo, config: input.config ?? input.repo.config };

  const matched = matchChanges(input.targets);
  diagnostics.push(...matched.diagnostics);

  const diffed = diffChanges(matched.pairs, repo, input.compare);
  // a replace is ordered like an update (it is one, done as delete + create), and its impact is a delete's
  const applied = diffed.filter((d) => d.action === 'create' || d.action === 'update' || d.action === 'replace').map((d) => d.pair.id);
  const replaced = diffed.filter((d) => d.action === 'replace').map((d) => d.pair.id);
  const deleted = diffed.filter((d) => d.action === 'delete').map((d) => d.pair.id);

  // Deletes of CIs that left Git are known only by their observed objects.
  const deletedCis = new Map(input.deletedCis ?? []);
  for (const d of diffed) {
    if (d.action !== 'delete' || deletedCis.has(d.pair.id) || !d.pair.observed) continue;
    const ci = observedCi(d.pair.observed);
    if (ci) deletedCis.set(d.pair.id, ci);
  }
  const observedOnly = new Set(deleted.filter((id) => !input.deletedCis?.has(id)));
  const deleteGraph = input.deleteGraph ?? graphOfDeleted([...deletedCis.values()]);

  const waves = topologicalWaves({ graph: input.graph, applied, deleted, deleteGraph });
  diagnostics.push(...waves.diagnostics);

  // a cascaded delete is a consequence of its parent's: `contains` carries the parent's deletion to it,
  // so impact and risk count it, and the parent is the one source
  const cascaded = diffed.filter((d) => d.pair.cascadeOf && deleteGraph.hasNode(d.pair.id) && deleteGraph.hasNode(d.pair.cascadeOf));
  for (const d of cascaded) deleteGraph.mergeEdge(d.pair.cascadeOf!, d.pair.id, { type: 'contains', inferred: true });
  const consequences = new Set(cascaded.map((d) => d.pair.id));
  const causes = deleted.filter((id) => !consequences.has(id));
  const impact = impactOfChanges({
    graph: input.graph,
    deleteGraph,
    applied,
    deleted: causes,
    replaced,
    perChange: input.perChangeImpact,
    // every cascaded delete weighs as a delete in the risk, in the graph or not
    cascaded: new Map(diffed.filter((d) => d.action === 'delete' && d.pair.cascadeOf).map((d) => [d.pair.id, d.pair.cascadeOf!])),
  });

  const fingerprints: Record<string, string> = {};
  const changes: PlannedChange[] = diffed.map((d) => {
    const id = d.pair.id;
    // apply checks for staleness only what it writes: not a noop (hashing 100k unchanged objects was 6% of a plan),
    // not a cascaded object (the server deletes it with its parent)
    if (!d.pair.cascadeOf && d.action !== 'noop') fingerprints[id] = fingerprintOf(d.pair.observed?.object);
    const desired = d.pair.desired;
    // Plain literals, optional fields set only when present: this runs once per CI (100k noops).
    const change: { -readonly [K in keyof PlannedChange]: PlannedChange[K] } = {
      id,
      action: d.action,
      wave: d.action === 'noop' ? 0 : (waves.waves.get(id) ?? 1),
      patch: d.diff.patch,
      diff: lazyCreateText(d.diff, 'text') ? '' : d.diff.text,
      provider: d.pair.provider,
      target: d.pair.target,
      paths: d.diff.paths,
    };
    // a create's text stays unrendered until something reads it (engine/diff/text-diff.ts)
    const lazy = lazyCreateText(d.diff, 'text');
    if (lazy) defineLazyCreateText(change, 'diff', lazy.id, lazy.desired);
    if (desired) {
      // a rendered object: the patch or values line behind the first changed field a person edits, else its template/resource
      const place = desired.origin.render && d.action === 'update' ? renderedPlace(desired.origin, d.diff.paths, desired.object) : undefined;
      change.file = place?.file ?? desired.origin.file;
      change.line = place?.line ?? desired.origin.line;
      if (desired.origin.render) change.rendered = { unit: desired.origin.render.unit, tool: desired.origin.render.tool, source: desired.origin.file };
    }
    if (d.action === 'replace' && d.pair.replace) change.replace = d.pair.replace;
    if (d.pair.cascadeOf) {
      change.cascadeOf = d.pair.cascadeOf;
      // deleted by the server with its parent: in the parent's wave, whatever the graph says
      change.wave = waves.waves.get(d.pair.cascadeOf) ?? change.wave;
    }
    const owner = d.pair.observed?.owner;
    if (desired && owner && owner !== LEGACY_OWNER && (d.action === 'create' || d.action === 'update')) {
      change.owner = owner;
      diagnostics.push({
        severity: 'warning',
        code: 'ownership.conflict',
        ci: id,
        file: desired.origin.file,
        line: desired.origin.line,
        column: desired.origin.column,
        message: `${id} belongs to inventory ${owner}; apply refuses to take it over`,
        hint: 'remove it from one of the two repositories, or take it over with `plumb apply --adopt`',
      });
    }
    const own = impact.perChange.get(id);
    if (own) change.impact = own;
    if (d.desired) change.desired = d.desired;
    return change;
  });

  let policyResults: readonly PolicyResult[] = [];
  if (input.policies) {
    const byId = new Map(diffed.map((d) => [d.pair.id, d]));
    const contexts: ChangeContext[] = changes
      .filter((c) => c.action !== 'noop')
      .map((c) => {
        const d = byId.get(c.id)!;
        return {
          id: c.id,
          action: c.action,
          paths: c.paths,
          ...(d.pair.desired ? { ci: d.pair.desired } : deletedCis.has(c.id) ? { ci: deletedCis.get(c.id) } : {}),
          oldObject: d.pair.observed?.object ?? null,
          ...(c.impact ? { impact: c.impact } : {}),
        };
      });
    const summary = countActions(changes, matched.unmanaged.length);
    const evaluated = input.policies({ changes: contexts, plan: { summary, changes, impact: impact.overall } });
    // A CI known only from the actual state has no file and line to point at.
    policyResults = evaluated.results.map((r) => (r.ci !== null && observedOnly.has(r.ci) ? withoutLocation(r) : r));
    diagnostics.push(...evaluated.diagnostics);
  }

  const plan = assemblePlan({
    revision: repo.revision,
    now: input.now,
    targets: input.targets.map((t) => t.name),
    changes,
    unmanaged: matched.unmanaged,
    fingerprints,
    impact: impact.overall,
    policyResults,
    hash: input.hash,
  });
  return { plan, diagnostics };
}

function withoutLocation(result: PolicyResult): PolicyResult {
  const { file: _f, line: _l, column: _c, ...rest } = result;
  return rest;
}
