import type { Diagnostic } from '../model/diagnostic.js';
import { outermostBases, type SourceFile } from './file-source.js';

/** A blob of a revision's tree, as either Git reader finds it. */
export interface TreeEntry {
  readonly oid: string;
  readonly size?: number;
  readonly symlink: boolean;
}

/**
 * A revision's files that name those under a folder without a walk of every
 * path (the indexed review's trees, engine/review/indexed-review.ts, whose
 * paths are sorted): `under(base)` yields the entry of `base` itself and of
 * every path under `base/`, in any order.
 */
export interface FolderListing extends ReadonlyMap<string, TreeEntry> {
  under(base: string): Iterable<readonly [string, TreeEntry]>;
}

/**
 * The files of a revision under `bases`, sorted by path — one answer for both
 * Git readers. Symbolic links are skipped with a warning: plumb reads no links
 * from revisions. A {@link FolderListing} is asked for each base's files only
 * (every load lists the kind schema directory: at 100k CIs a walk of the 10k
 * paths was ~10 ms per load, three loads per review).
 */
export function listTreeUnder(all: ReadonlyMap<string, TreeEntry>, bases: readonly string[]): { files: SourceFile[]; diagnostics: Diagnostic[] } {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const listing = typeof (all as Partial<FolderListing>).under === 'function' ? (all as FolderListing) : undefined;
  for (const base of outermostBases(bases)) {
    for (const [path, entry] of base !== '' && listing ? listing.under(base) : all) {
      if (base !== '' && path !== base && !path.startsWith(base + '/')) continue;
      if (entry.symlink) diagnostics.push(symlinkSkipped(path));
      else files.push({ path, oid: entry.oid, ...(entry.size === undefined ? {} : { size: entry.size }) });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}

/** Git stores a symbolic link as a blob holding its target; plumb reads no links from revisions. */
export function symlinkSkipped(path: string): Diagnostic {
  return {
    severity: 'warning',
    code: 'load.symlink-skipped',
    message: 'symbolic link skipped: links are not followed when reading a git revision',
    hint: 'commit the file itself instead of a link to it',
    file: path,
  };
}
