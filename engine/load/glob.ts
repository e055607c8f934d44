/**
 * A small glob matcher for the patterns plumb.yaml uses (Node 20 has no
 * fs.glob): `**` (any number of directories), `*` (within one path segment),
 * `?`, and `{a,b}` alternatives (nestable). Paths are repository-relative with
 * forward slashes. `*` also matches names starting with a dot; `.git` and
 * `node_modules` are never listed by the readers in the first place.
 */
export interface Glob {
  readonly pattern: string;
  /** The literal directory prefix before the first wildcard (`inventory` for `inventory/**\/*.yaml`), `''` for the root. */
  readonly base: string;
  matches(path: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  const regex = new RegExp(`^${translate(normalized)}$`);
  return { pattern, base: literalBase(normalized), matches: (path) => regex.test(path) };
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

function translate(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const atSegmentStart = i === 0 || pattern[i - 1] === '/';
      const slashAfter = pattern[i + 2] === '/';
      if (atSegmentStart && slashAfter) {
        out += '(?:[^/]+/)*';
        i += 3;
      } else if (atSegmentStart && i + 2 === pattern.length) {
        out += '.*';
        i += 2;
      } else {
        out += '[^/]*';
        i += 2;
      }
    } else if (c === '*') {
      out += '[^/]*';
      i += 1;
    } else if (c === '?') {
      out += '[^/]';
      i += 1;
    } else if (c === '{') {
      const close = matchingBrace(pattern, i);
      if (close < 0) {
        out += '\\{';
        i += 1;
      } else {
        const alternatives = splitTopLevel(pattern.slice(i + 1, close));
        out += `(?:${alternatives.map(translate).join('|')})`;
        i = close + 1;
      }
    } else {
      out += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
      i += 1;
    }
  }
  return out;
}

function matchingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++;
    else if (pattern[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}
