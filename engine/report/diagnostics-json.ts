import type { Diagnostic } from '../model/diagnostic.js';
import { sortDiagnostics } from '../model/diagnostic.js';

/** One diagnostic as every JSON output writes it: each key always present (`null` when unknown), `hint` and `related` only when there is one. */
export interface DiagnosticJson {
  readonly severity: Diagnostic['severity'];
  readonly code: string;
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly ci: string | null;
  readonly hint?: string;
  readonly related?: Diagnostic['related'];
}

/** Diagnostics as JSON values, in the order every output uses (file, line, column, code). */
export function diagnosticsJson(diagnostics: readonly Diagnostic[]): DiagnosticJson[] {
  return sortDiagnostics(diagnostics).map((d) => ({
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.file ?? null,
    line: d.line ?? null,
    column: d.column ?? null,
    ci: d.ci ?? null,
    ...(d.hint === undefined ? {} : { hint: d.hint }),
    ...(d.related === undefined ? {} : { related: d.related }),
  }));
}
