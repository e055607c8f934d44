import type { PolicyResult } from './types.js';

/**
 * Does this result block the change? A `deny` that was violated or failed to
 * evaluate (policies fail closed) and that no exception covers. The one rule
 * behind `plan.policy.denied`, validate's exit 3, apply's refusal, the
 * controller's PolicyDenied and the TUI's narrowed plans.
 */
export function blocks(result: PolicyResult): boolean {
  return result.action === 'deny' && result.outcome !== 'excepted';
}

/** The results that block, in their given order. */
export function denials(results: readonly PolicyResult[]): PolicyResult[] {
  return results.filter(blocks);
}

/** True when any result blocks: the value of `plan.policy.denied`. */
export function isDenied(results: readonly PolicyResult[]): boolean {
  return results.some(blocks);
}
