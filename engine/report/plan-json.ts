import type { Diagnostic } from '../model/diagnostic.js';
import { toPlanFile } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';
import { diagnosticsJson } from './diagnostics-output.js';
import { jsonChunks } from './json-chunks.js';

/**
 * The plan artifact as `plan -o json`, `review -o json` and `--out` write it
 * (schemas/plan.schema.json, version 2): two-space indented, keys in the order
 * the plan was assembled, each object once (a create's patch and diff that only
 * repeat its desired object are `patchFrom`/`diffFrom: "desired"`,
 * engine/plan/plan-file.ts). The value is already redacted; `hash` is computed
 * over the canonical form, so re-indenting this text does not invalidate it.
 *
 * With `diagnostics` (the `-o json` outputs), the warnings the operation
 * reported beside the plan follow as `diagnostics` (a report about the plan,
 * not part of it: the hash does not cover them, so the output stays an
 * appliable plan file).
 */
export function renderPlanJson(plan: Plan, diagnostics?: readonly Diagnostic[]): string {
  const file = toPlanFile(plan);
  return JSON.stringify(diagnostics ? { ...file, diagnostics: diagnosticsJson(diagnostics) } : file, null, 2) + '\n';
}

/**
 * {@link renderPlanJson}'s text in pieces (each change its own), for writing
 * to a stream: joined, exactly the same text.
 */
export function* planJsonChunks(plan: Plan, diagnostics?: readonly Diagnostic[]): Generator<string> {
  const file = toPlanFile(plan);
  yield* jsonChunks(diagnostics ? { ...file, diagnostics: diagnosticsJson(diagnostics) } : file, 2);
  yield '\n';
}
