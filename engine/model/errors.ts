import type { Code } from './codes.js';

/**
 * The one base class of every error plumb throws on purpose. A catalogued `code`
 * (engine/model/codes.ts)
 * that tests assert on, structured `data`, the `cause`, and a `hint` that says
 * what to do next. Messages are lowercase and never contain secrets.
 *
 * @example
 *   throw new PlumbError('plan.stale', 'plan is stale: deployment:shop/api changed since it was planned', {
 *     hint: 'run `plumb plan` again', data: { cis: ['deployment:shop/api'] } })
 */
export class PlumbError extends Error {
  readonly code: Code;
  readonly hint?: string;
  readonly data?: Readonly<Record<string, unknown>>;

  constructor(code: Code, message: string, options: { hint?: string; data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlumbError';
    this.code = code;
    this.hint = options.hint;
    this.data = options.data;
  }
}

export function isPlumbError(e: unknown): e is PlumbError {
  return e instanceof PlumbError;
}
