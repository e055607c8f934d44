import type { CIGraph } from '../graph/types.js';
import type { LoadedRepository } from '../load/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { PolicyResult } from './types.js';
import { evaluatePolicies } from './evaluate.js';
import { loadPolicies } from './load-policies.js';
import type { Simulate } from './types.js';

export interface InventoryPolicyReport {
  readonly results: readonly PolicyResult[];
  readonly denied: boolean;
  /** Policy loading (schema, compile, duplicates, unknown policies) and evaluation (expired exceptions). */
  readonly diagnostics: readonly Diagnostic[];
  /** Every policy loaded, so SARIF has a rule for each, results or not. */
  readonly policies: readonly { name: string; action: PolicyResult['action']; severity: PolicyResult['severity']; description?: string }[];
  /**
   * What the report depends on in time, beside the graph and the policies: whether an inventory-scope expression reads
   * `now`, and each exception's expiry (ms since the epoch; an exception applies before it and not from it on). A
   * report kept for a later run holds only while neither differs (engine/operations/validate-answer.ts).
   */
  readonly clock: PolicyClock;
}

/** See {@link InventoryPolicyReport.clock}. */
export interface PolicyClock {
  readonly readsNow: boolean;
  readonly expiries: readonly number[];
}

/**
 * What `plumb validate` runs: load the repository's policies and evaluate the
 * inventory-scope ones over every CI of the validated graph. `now` defaults to
 * the wall clock; pass one for reproducible output.
 */
export function evaluateInventoryPolicies(
  repo: Pick<LoadedRepository, 'policyDocuments' | 'locate'>,
  graph: CIGraph,
  options: { now?: Date; simulate?: Simulate } = {},
): InventoryPolicyReport {
  const loaded = loadPolicies(repo.policyDocuments, repo.locate);
  const evaluation = evaluatePolicies({
    policies: loaded.policies,
    exceptions: loaded.exceptions,
    scope: 'inventory',
    graph,
    now: options.now ?? new Date(),
    ...(options.simulate ? { simulate: options.simulate } : {}),
  });
  // an exception for a CI that does not exist excuses nothing today and whatever takes that name tomorrow
  const unknownTargets: Diagnostic[] = loaded.exceptions.flatMap((e) =>
    [...(e.targets ?? [])].flatMap((id, i) => {
      if (graph.hasNode(id)) return [];
      const { line, column } = repo.locate(e.origin, `/spec/targets/${i}`);
      return [
        {
          severity: 'warning' as const,
          code: 'policy.exception-unknown-ci' as const,
          message: `exception ${e.name} names ${id}, which is not in the inventory`,
          hint: 'fix the reference, or remove the exception once the CI is gone',
          file: e.origin.file,
          line,
          column,
        },
      ];
    }),
  );
  return {
    results: evaluation.results,
    denied: evaluation.denied,
    diagnostics: [...loaded.diagnostics, ...evaluation.diagnostics, ...unknownTargets],
    policies: loaded.policies.map(({ name, action, severity, description }) => ({ name, action, severity, ...(description ? { description } : {}) })),
    clock: {
      readsNow: loaded.policies.some((p) => p.scope === 'inventory' && p.readsNow),
      expiries: loaded.exceptions.flatMap((e) => (e.expiresAt ? [e.expiresAt.getTime()] : [])),
    },
  };
}
