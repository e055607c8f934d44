import { lstat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A declared root: the path as configured, and its real path (the root itself may be a symlink; the operator chose it). */
export interface Root {
  readonly declared: string;
  readonly real: string;
}

export type Located =
  | { readonly ok: true; readonly root: Root /** Components below the root. */; readonly parts: readonly string[]; readonly path: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Places a File CI's `spec.path` under a root, lexically: a relative path is
 * taken from the first root, an absolute one must lie inside one, and `..`
 * may not climb out. The result is under the root's real path, so nothing
 * later depends on the root symlink. Symlinks below the root are checked by
 * `inspectPath`.
 */
export function locate(specPath: string, roots: readonly Root[]): Located {
  if (specPath.includes('\0')) return { ok: false, reason: 'contains a NUL byte' };
  if (roots.length === 0) return { ok: false, reason: 'no roots are declared for this target' };
  const candidates = isAbsolute(specPath) ? roots : [roots[0]];
  for (const root of candidates) {
    for (const base of [root.declared, root.real]) {
      const abs = resolve(base, specPath);
      const rel = relative(base, abs);
      if (rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel))) {
        const parts = rel === '' ? [] : rel.split(sep);
        return { ok: true, root, parts, path: join(root.real, ...parts) };
      }
    }
  }
  return { ok: false, reason: isAbsolute(specPath) ? 'is outside every declared root' : 'climbs out of the root with ..' };
}

export type Inspection =
  | {
      readonly ok: true /** lstat of the final component, or undefined when it does not exist. */;
      readonly stats?: Stats /** Index of the first missing component, parts.length when all exist. */;
      readonly existing: number;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Walks the components below the root with lstat, never following a link: any
 * symlink on the way — whatever it points at, in or out — is refused, as is a
 * non-directory in the middle of the path. What is missing ends the walk.
 */
export async function inspectPath(located: Extract<Located, { ok: true }>): Promise<Inspection> {
  let p = located.root.real;
  for (let i = 0; i < located.parts.length; i++) {
    p = join(p, located.parts[i]);
    let st: Stats;
    try {
      st = await lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, existing: i };
      return { ok: false, reason: `cannot be inspected (${(e as NodeJS.ErrnoException).code})` };
    }
    const shown = located.parts.slice(0, i + 1).join('/');
    if (st.isSymbolicLink()) return { ok: false, reason: `goes through the symlink ${shown}, which plumb never follows` };
    if (i === located.parts.length - 1) return { ok: true, stats: st, existing: located.parts.length };
    if (!st.isDirectory()) return { ok: false, reason: `goes through ${shown}, which is not a directory` };
  }
  return { ok: true, existing: 0, stats: await lstat(p) };
}
