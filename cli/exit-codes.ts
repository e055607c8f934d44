/** Exit codes of docs/architecture.md, "Command line". */
export const EXIT = {
  ok: 0,
  /** Invalid input or a failure. */
  failure: 1,
  /** Changes present (only with --detailed-exitcode). */
  changes: 2,
  /** A policy denied. */
  denied: 3,
} as const;

export type ExitName = keyof typeof EXIT;

/**
 * What each exit code means, in the words `--help` prints. The per-command
 * help text is generated from this table and {@link EXIT} (cli/help.ts), so
 * the codes a command documents are the codes it returns.
 */
export const EXIT_MEANING: Readonly<Record<ExitName, string>> = {
  ok: 'success',
  failure: 'invalid input or a failure (diagnostics on stderr, with file:line:column and a hint)',
  changes: 'changes present (only with --detailed-exitcode)',
  denied: 'a policy denied',
};
