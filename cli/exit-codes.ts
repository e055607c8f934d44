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
