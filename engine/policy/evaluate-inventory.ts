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
  return {
    results: evaluation.results,
    denied: evaluation.denied,
    diagnostics: [...loaded.diagnostics, ...evaluation.diagnostics],
    policies: loaded.policies.map(({ name, action, severity, description }) => ({ name, action, severity, ...(description ? { description } : {}) })),
  };
}
