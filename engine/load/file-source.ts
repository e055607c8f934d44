import type { Diagnostic } from '../model/diagnostic.js';

/** One file a source can read. */
export interface SourceFile {
  /** Path relative to the plumb repository root, forward slashes. */
  readonly path: string;
  /** Size in bytes, known before the file is read (stat / Git object size), when the source can tell. */
  readonly size?: number;
  /** Git blob id, when the source gets it for free (Git revisions). */
  readonly oid?: string;
  /** The work tree's stat stamp, for the manifest that spares hashing unchanged files (worktree-manifest.ts). */
  readonly stat?: StatStamp;
}

/** What a work-tree file's stat says, to tell whether it may have changed since it was hashed. */
export interface StatStamp {
  /** Device, inode, mode, size, mtime and ctime (ns): any change to the file's content changes it. */
  readonly fingerprint: string;
  /** The later of mtime and ctime, in ms since the epoch. */
  readonly changedMs: number;
}

/**
 * Where the desired state is read from: the work tree or one Git revision. The
 * loader lists, then reads; sources never parse. Paths are relative to the plumb
 * repository root (the directory holding plumb.yaml), which may be a
 * subdirectory of the Git repository.
 */
export interface FileSource {
  /** Absolute path of the plumb repository root. */
  readonly root: string;
  /** The commit SHA, or `worktree`. */
  readonly revision: string;
  /** Every file under the given directories (repository-relative, `''` = everything), sorted by path. */
  list(bases: readonly string[]): Promise<{ files: SourceFile[]; diagnostics: Diagnostic[] }>;
  /** The file's bytes, or undefined when it does not exist in this source. */
  read(path: string): Promise<Uint8Array | undefined>;
  /**
   * How many reads the loader keeps in flight: one pipelined `git cat-file
   * --batch` wants them all at once, isomorphic-git opens a file per loose
   * object and must stay under the descriptor limit. Default 64.
   */
  readonly readConcurrency?: number;
  /** Releases processes or handles. Idempotent. */
  close(): Promise<void>;
}

/** Directories the readers never descend into. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['.git', 'node_modules']);

/** Drops bases nested inside other bases, so no directory is listed twice. */
export function outermostBases(bases: readonly string[]): string[] {
  const unique = [...new Set(bases.map((b) => b.replace(/\/+$/, '')))].sort();
  const out: string[] = [];
  for (const base of unique) {
    if (!out.some((o) => o === '' || base === o || base.startsWith(o + '/'))) out.push(base);
  }
  return out;
}
