import type { PolicyResult } from '../plan/types.js';
import { compareText } from '../model/compare-text.js';

const ACTION_RANK = { deny: 0, warn: 1, audit: 2 } as const;
const OUTCOME_RANK = { violated: 0, error: 1, excepted: 2 } as const;
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/**
 * The order every plan output lists policy results in: what blocks the change
 * first (denies that apply, then errors that fail closed), then warnings, then
 * audits, excepted results last; within that by severity, policy and CI.
 */
export function orderPolicyResults(results: readonly PolicyResult[]): PolicyResult[] {
  return [...results].sort(
    (a, b) =>
      Number(a.outcome === 'excepted') - Number(b.outcome === 'excepted') ||
      ACTION_RANK[a.action] - ACTION_RANK[b.action] ||
      OUTCOME_RANK[a.outcome] - OUTCOME_RANK[b.outcome] ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      compareText(a.policy, b.policy) ||
      compareText(a.ci ?? '', b.ci ?? ''),
  );
}
