import type { CI } from '../model/ci.js';
import { copyWith } from '../model/lazy-property.js';
import { PlumbError } from '../model/errors.js';
import { SENSITIVE, SENSITIVE_CHANGED } from '../redact/markers.js';
import type { Plan, PlannedChange } from '../plan/types.js';

/** Does a plan's desired document hold redaction markers where secret values were? */
export function hasRedactions(value: unknown): boolean {
  if (value === SENSITIVE || value === SENSITIVE_CHANGED) return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasRedactions);
}

/**
 * A plan never holds secret values — its desired documents carry
 * `(sensitive)` in their place — so applying one must put the real values
 * back, from the desired state the plan was made from (the repository at
 * `plan.revision`). Each desired CI must match the plan's document everywhere
 * except at the markers; otherwise the desired state moved since planning and
 * the plan is stale (`plan.stale`). Changes without markers are left as they are.
 */
export function hydrateSecrets(plan: Plan, desired: ReadonlyMap<string, CI>): Plan {
  const stale: string[] = [];
  const changes = plan.changes.map((c): PlannedChange => {
    if (!c.desired || !hasRedactions(c.desired)) return c;
    const ci = desired.get(c.id);
    if (!ci || !matchesRedacted(c.desired, ci.object)) {
      stale.push(c.id);
      return c;
    }
    // a create's diff text stays unrendered (engine/model/lazy-property.ts)
    return copyWith(c, { desired: ci.object });
  });
  if (stale.length > 0) {
    throw new PlumbError('plan.stale', `plan is stale: the desired state of ${stale.join(', ')} changed since it was planned`, {
      hint: 'run `plumb plan` again',
      data: { cis: stale },
    });
  }
  return { ...plan, changes };
}

/** Equal as data, where a marker on the redacted side stands for any present value. */
export function matchesRedacted(redacted: unknown, full: unknown): boolean {
  if (redacted === SENSITIVE || redacted === SENSITIVE_CHANGED) return full !== undefined;
  if (redacted === null || typeof redacted !== 'object') return redacted === full;
  if (full === null || typeof full !== 'object' || Array.isArray(redacted) !== Array.isArray(full)) return false;
  const a = redacted as Record<string, unknown>;
  const b = full as Record<string, unknown>;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && matchesRedacted(a[k], b[k]));
}
