import type { DiagnosticCode } from './codes.js';
import { compareText } from './compare-text.js';

/**
 * Diagnostics travel beside results (Terraform's tfdiags): every stage returns
 * `{ ...result, diagnostics }` and only the front ends turn them into exit codes,
 * colours or status.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable, catalogued code (engine/model/codes.ts, docs/errors.md), e.g. `yaml.syntax`, `ref.unresolved`. Tests assert on it. */
  readonly code: DiagnosticCode;
  /** Lowercase, one sentence, never a secret value. */
  readonly message: string;
  /** What the user can do about it. */
  readonly hint?: string;
  /** Repository-relative path with forward slashes. */
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  /** Identity of the CI it concerns, when there is one. */
  readonly ci?: string;
  /**
   * Field paths in the CI's document the problem concerns, in Kubernetes notation
   * (`.spec.containers[name="main"].ports`), as the API server named them; the
   * plan places the diagnostic at the first one it finds in the document.
   */
  readonly fields?: readonly string[];
  /** Other places involved (e.g. the first definition of a duplicate identity). */
  readonly related?: readonly { file: string; line: number; column: number; message?: string }[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sorts by file, line, column, code — the order every output uses. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareText(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
}
