import type { Plan } from '../plan/types.js';

/**
 * The plan artifact as `plan -o json`, `review -o json` and `--out` write it
 * (schemas/plan.schema.json): two-space indented, keys in the order the plan
 * was assembled. The value is already redacted; `hash` is computed over the
 * canonical form, so re-indenting this text does not invalidate it.
 */
export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
