import picomatch from 'picomatch';

/**
 * The globs plumb.yaml uses, matched by picomatch (bash-style: `**` any number
 * of directories, `*` within one segment, `?`, `{a,b}`, `[abc]`; `*` also
 * matches names starting with a dot). A pattern starting with `!` is an
 * exclusion: `["inventory/**\/*.yaml", "!**\/charts/**"]` takes every inventory
 * file except those under a `charts/` directory. Paths are repository-relative
 * with forward slashes; `.git` and `node_modules` are never listed by the
 * readers in the first place.
 */
export interface Glob {
  readonly pattern: string;
  /** The literal directory prefix before the first wildcard (`inventory` for `inventory/**\/*.yaml`), `''` for the root. */
  readonly base: string;
  /** True for `!pattern`: a path it matches is left out whatever else matches it. */
  readonly negated: boolean;
  /** Whether the pattern (without its `!`) matches the path. */
  matches(path: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  const negated = pattern.startsWith('!');
  const normalized = (negated ? pattern.slice(1) : pattern).replace(/\\/g, '/').replace(/^\.\//, '');
  const matcher = picomatch(normalized, { dot: true, noextglob: true });
  return { pattern, base: negated ? '' : literalBase(normalized), negated, matches: (path) => matcher(path) };
}

/** Matches when any positive glob does and no exclusion does. */
export function matchesAny(globs: readonly Glob[], path: string): boolean {
  let matched = false;
  for (const g of globs) {
    if (g.negated) {
      if (g.matches(path)) return false;
    } else if (!matched && g.matches(path)) matched = true;
  }
  return matched;
}

/** The directories to list for a set of globs: the bases of the positive ones. */
export function globBases(globs: readonly Glob[]): string[] {
  return globs.filter((g) => !g.negated).map((g) => g.base);
}

function literalBase(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?{[(!+@]/.test(segment)) break;
    literal.push(segment);
  }
  return literal.join('/');
}
