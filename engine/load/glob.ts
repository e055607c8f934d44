import picomatch from 'picomatch';

/**
 * The glob patterns plumb.yaml uses, matched by picomatch: `**` (any number of
 * directories), `*` (within one path segment), `?`, and `{a,b}` alternatives
 * (nestable). Paths are repository-relative with forward slashes. `*` also
 * matches names starting with a dot; `.git` and `node_modules` are never
 * listed by the readers in the first place.
 */
export interface Glob {
  readonly pattern: string;
  /** The literal directory prefix before the first wildcard (`inventory` for `inventory/**\/*.yaml`), `''` for the root. */
  readonly base: string;
  matches(path: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  const matches = picomatch(normalized, { dot: true, noextglob: true });
  return { pattern, base: literalBase(normalized), matches: (path) => matches(path) };
}

/** Matches when any of the globs does. */
export function matchesAny(globs: readonly Glob[], path: string): boolean {
  return globs.some((g) => g.matches(path));
}

function literalBase(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?{[]/.test(segment)) break;
    literal.push(segment);
  }
  return literal.join('/');
}
