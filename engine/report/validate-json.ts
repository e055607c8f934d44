import type { Diagnostic } from '../model/diagnostic.js';
import type { PolicyResult } from '../plan/types.js';
import type { RenderedUnit } from '../render/render-stage.js';
import { hasErrors } from '../model/diagnostic.js';
import { diagnosticsJson, type DiagnosticJson } from './diagnostics-json.js';

/** `plumb validate -o json` (schemas/validate-output.schema.json). */
export interface ValidateJson {
  /** Inventory-scope policy results (absent when policies were not evaluated). */
  readonly policy?: { readonly results: readonly PolicyResult[]; readonly denied: boolean };
  readonly ok: boolean;
  readonly cis: number;
  readonly relations: number;
  /** The units rendered, with their tool versions (absent when there are none). */
  readonly renders?: readonly RenderedUnit[];
  readonly diagnostics: readonly DiagnosticJson[];
}

/**
 * The validation result as stable JSON: every key always present (`null` when a
 * diagnostic has no position or CI) so consumers need no existence checks;
 * `hint` and `related` only when there is one. `ok` is false exactly when
 * there is an error; `relations` counts the graph's edges, inferred included.
 */
export function toValidateJson(input: {
  diagnostics: readonly Diagnostic[];
  cis: number;
  relations: number;
  policy?: { results: readonly PolicyResult[]; denied: boolean };
  renders?: readonly RenderedUnit[];
}): ValidateJson {
  return {
    ...(input.policy ? { policy: { results: [...input.policy.results], denied: input.policy.denied } } : {}),
    ok: !hasErrors(input.diagnostics),
    cis: input.cis,
    relations: input.relations,
    ...(input.renders?.length ? { renders: input.renders } : {}),
    diagnostics: diagnosticsJson(input.diagnostics),
  };
}
