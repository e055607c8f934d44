import { isExpired } from './exception-expiry.js';
import type { PolicyException } from './types.js';

export interface ExceptionLookup {
  /** The live exception that covers this policy and CI, if any. */
  readonly applies?: PolicyException;
  /** Exceptions that would have covered it but have expired. */
  readonly expired: readonly PolicyException[];
}

/**
 * Exceptions indexed by policy name, so a lookup per (policy, CI) is a map hit
 * and a set hit, not a scan. An exception without targets covers every CI of
 * its policies and their plan-scope results (`ci` null); one with targets never
 * covers a plan-scope result.
 */
export function indexExceptions(exceptions: readonly PolicyException[], now: Date): (policy: string, ci: string | null) => ExceptionLookup {
  const byPolicy = new Map<string, PolicyException[]>();
  for (const e of exceptions) {
    for (const p of e.policies) {
      const list = byPolicy.get(p) ?? [];
      list.push(e);
      byPolicy.set(p, list);
    }
  }
  const none: ExceptionLookup = { expired: [] };
  return (policy, ci) => {
    const candidates = byPolicy.get(policy);
    if (!candidates) return none;
    let applies: PolicyException | undefined;
    const expired: PolicyException[] = [];
    for (const e of candidates) {
      const covers = e.targets === undefined || (ci !== null && e.targets.has(ci));
      if (!covers) continue;
      if (isExpired(e, now)) expired.push(e);
      else applies ??= e;
    }
    return applies || expired.length > 0 ? { ...(applies ? { applies } : {}), expired } : none;
  };
}
