import type { Diagnostic } from '../model/diagnostic.js';
import { PlumbError, isPlumbError } from '../model/errors.js';
import type { Code } from '../model/codes.js';

/**
 * Transient: retry with backoff and jitter (the API or the Git server is
 * unreachable, 429/5xx, a lock is held). Terminal: retrying the same input
 * cannot help (an invalid revision, a policy denial, forbidden, a manifest the
 * API server refuses) — the loop stalls, reports, and waits for a new revision.
 */
export type FailureKind = 'transient' | 'terminal';

/** Condition reasons the controller reports (stable, CamelCase as Kubernetes conditions). */
export type FailureReason =
  | 'FetchFailed'
  | 'InvalidRevision'
  | 'DiscoveryFailed'
  | 'PolicyDenied'
  | 'PruneRefused'
  | 'ApplyFailed'
  | 'Forbidden'
  | 'LockHeld'
  | 'LeaseLost'
  | 'InternalError';

/**
 * The one error a reconcile step throws: the failure is classified where it
 * happens (by the step that knows), once, and never re-guessed later.
 */
export class ReconcileError extends PlumbError {
  constructor(
    readonly kind: FailureKind,
    readonly reason: FailureReason,
    message: string,
    options: { hint?: string; cause?: unknown; data?: Record<string, unknown> } = {},
  ) {
    super(`reconcile.${kind}`, message, options);
  }
}

const TERMINAL_DIAGNOSTICS: ReadonlySet<string> = new Set<Code>([
  'kubernetes.forbidden',
  'kubernetes.unauthorized',
  'kubernetes.invalid',
  'kubernetes.conflict',
]);

/** Provider diagnostics: any forbidden/invalid answer is terminal; unreachable and 5xx are transient. */
export function classifyDiagnostics(diagnostics: readonly Diagnostic[]): { kind: FailureKind; reason: FailureReason } {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.some((d) => d.code === 'kubernetes.forbidden' || d.code === 'kubernetes.unauthorized')) return { kind: 'terminal', reason: 'Forbidden' };
  if (errors.some((d) => TERMINAL_DIAGNOSTICS.has(d.code))) return { kind: 'terminal', reason: 'ApplyFailed' };
  return { kind: 'transient', reason: 'DiscoveryFailed' };
}

/** Classifies an error thrown by a step that did not classify it itself (a bug, or a library error). */
export function classifyError(e: unknown): ReconcileError {
  if (e instanceof ReconcileError) return e;
  if (isPlumbError(e)) {
    if (e.code === 'lock.held') return new ReconcileError('transient', 'LockHeld', e.message, { hint: e.hint, cause: e });
    if (e.code.startsWith('source.')) {
      const transient = e.data?.transient !== false;
      return new ReconcileError(transient ? 'transient' : 'terminal', 'FetchFailed', e.message, { hint: e.hint, cause: e });
    }
    if (e.code === 'prune.refused') return new ReconcileError('terminal', 'PruneRefused', e.message, { hint: e.hint, cause: e });
    if (e.code === 'policy.denied') return new ReconcileError('terminal', 'PolicyDenied', e.message, { hint: e.hint, cause: e });
    if (e.code === 'plan.stale') return new ReconcileError('transient', 'ApplyFailed', e.message, { hint: e.hint, cause: e });
    return new ReconcileError('terminal', 'InternalError', e.message, { hint: e.hint, cause: e });
  }
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(code)) {
    return new ReconcileError('transient', 'InternalError', `${code}: ${(e as Error).message}`, { cause: e });
  }
  return new ReconcileError('transient', 'InternalError', e instanceof Error ? e.message : String(e), { cause: e });
}
