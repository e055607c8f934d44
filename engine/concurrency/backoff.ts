export interface BackoffPolicy {
  /** Delay before the first retry (default 1 s). */
  readonly baseMs: number;
  /** Ceiling of any delay (default 5 min). */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000 };

/**
 * Delay before retry number `attempt` (1 = after the first failure):
 * exponential, capped, with "equal jitter" — half fixed, half random — so
 * retries of many messages spread out but never come back at once. A
 * receiver's Retry-After is honoured up to the cap.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.round(retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, policy.maxMs)));
}
