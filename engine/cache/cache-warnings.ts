import type { Diagnostic } from '../model/diagnostic.js';

/**
 * Why the content cache is off or not written, told once per process: the
 * cache never fails a run, but a cache that silently does nothing (a key file
 * with the wrong mode, a cache directory on a file system that takes no files)
 * costs every run its full price with no word why. Written to stderr (never
 * stdout, so `-o json` and the other formats are unchanged), as a diagnostic
 * line `PATH  warning  CODE  MESSAGE` with its hint; a front end that owns the
 * terminal takes them instead: the TUI holds them while Ink draws, counts them
 * among the plan's warnings and writes them once the terminal is back
 * (tui/run-tui.tsx; its planning worker sends its own back, tui/plan-worker.ts);
 * the controller logs them as JSON lines like its others (cli/actions/controller.ts).
 */
let sink: (warning: Diagnostic) => void = (w) => {
  process.stderr.write(`${w.file ?? 'plumb'}  warning  ${w.code}  ${w.message}\n${w.hint ? `    hint: ${w.hint}\n` : ''}`);
};
const told = new Map<string, Diagnostic>();

/** Tells `warning` unless one with the same code and file was told already in this process. */
export function warnCacheOnce(warning: Omit<Diagnostic, 'severity'>): void {
  const key = `${warning.code}\0${warning.file ?? ''}`;
  if (told.has(key)) return;
  const full: Diagnostic = { severity: 'warning', ...warning };
  told.set(key, full);
  sink(full);
}

/** Where cache warnings go from now on (default: stderr); returns the previous sink. */
export function setCacheWarningSink(next: (warning: Diagnostic) => void): (warning: Diagnostic) => void {
  const previous = sink;
  sink = next;
  return previous;
}

/** The warnings told so far in this process. */
export function cacheWarnings(): Diagnostic[] {
  return [...told.values()];
}

/** Forgets what was told (tests). */
export function resetCacheWarnings(): void {
  told.clear();
}
