import type { CI } from '../model/ci.js';
import type { Diagnostic, Severity } from '../model/diagnostic.js';
import type { LoadedRepository } from '../load/types.js';
import type { Code } from '../model/codes.js';

/** What a check knows about a problem; `at` turns it into a located Diagnostic. */
export interface Finding {
  readonly severity?: Severity;
  readonly code: Code;
  readonly message: string;
  readonly hint?: string;
  readonly ci: CI;
  /** JSON Pointer into the CI's document where the problem is written. */
  readonly pointer: string;
  readonly related?: Diagnostic['related'];
}

export type Locate = LoadedRepository['locate'];

/**
 * Places a finding at `file:line:column` through the loader's `locate`, which
 * re-parses a file only when one of its documents has a problem — so the
 * position cost is paid for misses only.
 */
export function at(locate: Locate, f: Finding): Diagnostic {
  const { line, column, file } = locate(f.ci.origin, f.pointer);
  return {
    severity: f.severity ?? 'error',
    code: f.code,
    message: f.message,
    ...(f.hint === undefined ? {} : { hint: f.hint }),
    file: file ?? f.ci.origin.file,
    line,
    column,
    ci: f.ci.id,
    ...(f.related === undefined ? {} : { related: f.related }),
  };
}
