import { isUtf8 } from 'node:buffer';
import type { Diagnostic } from '../model/diagnostic.js';
import { outermostBases, type SourceFile } from './file-source.js';

/** A blob of a revision's tree, as either Git reader finds it. */
export interface TreeEntry {
  readonly oid: string;
  readonly size?: number;
  readonly symlink: boolean;
  /** Git holds the path's bytes, and they are not UTF-8: the path shows them as U+FFFD and names no file (see {@link notUtf8Diagnostic}). */
  readonly notUtf8?: boolean;
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
  const reported = new Set<string>();
  for (const base of outermostBases(bases)) {
    for (const [path, entry] of base !== '' && listing ? listing.under(base) : all) {
      if (base !== '' && path !== base && !path.startsWith(base + '/')) continue;
      if (entry.notUtf8) {
        const d = notUtf8OfPath(path);
        if (d && !reported.has(d.file!)) {
          reported.add(d.file!);
          diagnostics.push(d);
        }
      } else if (entry.symlink) diagnostics.push(symlinkSkipped(path));
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

/** Names of files plumb reads as text (inventory, policies, schemas, plumb.yaml): one whose name is not UTF-8 is an error, any other is passed over. */
export const READ_AS_TEXT = /\.(ya?ml|json)$/i;

/**
 * `load.not-utf8` for a directory or file whose name is not UTF-8 (shown with U+FFFD for the bytes that are not):
 * plumb cannot name it in a diagnostic, a plan or JSON, so it does not read it. One rule for the work tree
 * (worktree-source.ts) and for a Git revision (the native and isomorphic readers, listTreeUnder), so `plan` and
 * `review`/`--rev` of the same files agree: an error for a directory or a `.yaml`/`.yml`/`.json` name, other names
 * passed over.
 */
export function notUtf8Diagnostic(path: string, directory: boolean): Diagnostic {
  return {
    severity: 'error',
    code: 'load.not-utf8',
    message: `the ${directory ? 'directory' : 'file'} name is not valid UTF-8, so plumb cannot read it (shown with U+FFFD for the bytes that are not)`,
    hint: 'rename it with a UTF-8 name (Git, kubectl and YAML tools expect one)',
    file: path,
  };
}

/** For a Git path that is not UTF-8: the diagnostic at its first such directory, else at the file if plumb reads it as text; undefined to pass it over. */
function notUtf8OfPath(path: string): Diagnostic | undefined {
  const segments = path.split('/');
  const bad = segments.findIndex((s) => s.includes('\uFFFD'));
  if (bad >= 0 && bad < segments.length - 1) return notUtf8Diagnostic(segments.slice(0, bad + 1).join('/'), true);
  return READ_AS_TEXT.test(path) ? notUtf8Diagnostic(path, false) : undefined;
}

/**
 * Which NUL-separated records of `git`'s `-z` output are not UTF-8 (a path's bytes as Git stores them), by index:
 * the same indexes as `output.toString('utf8').split('\0')` (a NUL byte is never inside a UTF-8 sequence, and
 * invalid bytes decode to U+FFFD, never to NUL). Empty, after one check of the whole output, when all of it is
 * UTF-8 — a U+FFFD in a path is then the character itself.
 */
export function recordsNotUtf8(output: Buffer): ReadonlySet<number> {
  const bad = new Set<number>();
  if (isUtf8(output)) return bad;
  let start = 0;
  for (let index = 0; start <= output.length; index++) {
    let end = output.indexOf(0, start);
    if (end < 0) end = output.length;
    if (!isUtf8(output.subarray(start, end))) bad.add(index);
    start = end + 1;
  }
  return bad;
}
