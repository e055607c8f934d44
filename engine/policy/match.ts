import type { CI } from '../model/ci.js';
import type { CompiledPolicy } from './types.js';

/**
 * The cheap half of `match`: kinds (case-insensitive), namespaces and labels,
 * all of which must hold. Checked in plain JS before any CEL runs, so a policy
 * about Databases costs nothing on the other 95% of an inventory. The CEL
 * `condition` is evaluated by the caller afterwards.
 */
export function matchesSelector(policy: CompiledPolicy, ci: CI): boolean {
  const { kinds, namespaces, labels } = policy.match;
  if (kinds && !kinds.has(ci.kind.toLowerCase())) return false;
  if (namespaces && !namespaces.has(ci.namespace)) return false;
  if (labels) {
    for (const key in labels) {
      const value = ci.labels[key];
      if (value === undefined || String(value) !== labels[key]) return false;
    }
  }
  return true;
}

/**
 * A condition that reads a field the CI does not have (`object.metadata.labels.env`
 * on a CI without an `env` label) does not match: that is what the condition's
 * author means, and it keeps the README's example usable without `has()`.
 * Any other run-time error in a condition is a result of its own.
 */
export function isMissingField(message: string): boolean {
  return message.startsWith('field not found') || message.startsWith('no such key');
}
