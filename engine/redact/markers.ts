/**
 * What a secret value looks like in every output (docs/architecture.md, "Secrets"): the
 * value itself never leaves the process, only whether it is set or changed.
 */
export const SENSITIVE = '(sensitive)';
export const SENSITIVE_CHANGED = '(sensitive, changed)';
