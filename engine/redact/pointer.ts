/**
 * JSON Pointers (RFC 6901) as segment arrays, and pointer *patterns*: pointers
 * whose segments may be `*` (any key or index). Secret fields and
 * ignoreDifferences are both written as patterns; a pattern covers the value it
 * names and everything below it. Parsing and writing pointers: engine/model/json-pointer.ts.
 */
export type Pattern = readonly string[];

/** True when some pattern equals `path` or is an ancestor of it. */
export function coveredBy(patterns: readonly Pattern[], path: readonly string[]): boolean {
  outer: for (const p of patterns) {
    if (p.length > path.length) continue;
    for (let i = 0; i < p.length; i++) if (p[i] !== '*' && p[i] !== path[i]) continue outer;
    return true;
  }
  return false;
}

/**
 * The patterns that reach below `path`, rebased onto the value found there.
 * Used to redact a value that is about to be written at `path` (a patch op's
 * value, a list entry).
 */
export function patternsBelow(patterns: readonly Pattern[], path: readonly string[]): Pattern[] {
  const out: Pattern[] = [];
  outer: for (const p of patterns) {
    if (p.length <= path.length) continue;
    for (let i = 0; i < path.length; i++) if (p[i] !== '*' && p[i] !== path[i]) continue outer;
    out.push(p.slice(path.length));
  }
  return out;
}
