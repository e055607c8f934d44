import { backoffDelay } from '../../concurrency/backoff.js';

/**
 * When and how long to wait before retrying a Kubernetes API call: 429 and 5xx
 * answers and lost connections are transient; everything else is final.
 * `Retry-After` (seconds) is honoured, capped so a hostile value cannot stall
 * plumb; otherwise plumb's one backoff (exponential, capped, equal jitter).
 */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /** Longest Retry-After plumb will wait (default 30 s). */
  readonly maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 10_000, maxRetryAfterMs: 30_000 };

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

export function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/**
 * Answers the API server gives with a 5xx status although the request itself is
 * wrong: server-side apply reports an object it cannot type against the schema
 * ("failed to create typed patch object", a number where a string belongs,
 * duplicate list-map keys, a field the schema does not declare) as a 500.
 * Retrying cannot change the answer, so these are final, like a 400 or 422.
 */
const PERMANENT_MESSAGES =
  /failed to create typed (?:patch|live) object|duplicate entries for key|field not declared in schema|expected (?:string|map|list|numeric|bool|boolean|integer|number)\b|unable to convert unstructured object|cannot be handled as a/i;

export function isPermanentAnswer(status: number, message: string | undefined): boolean {
  return status >= 500 && typeof message === 'string' && PERMANENT_MESSAGES.test(message);
}

export function isTransientError(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

/** Milliseconds to wait before attempt `attempt` (1-based count of failures so far). */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter: string | undefined, random = Math.random): number {
  const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, policy.maxRetryAfterMs ?? 30_000);
  return backoffDelay(attempt, policy, random);
}
