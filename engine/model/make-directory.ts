import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Makes `path` and its missing parents, one directory at a time (as `mkdir -p`),
 * in at most one `stat` and one `mkdir` per path component; throws the first
 * error (an `Error` with `code`: `ENOTDIR` when a file stands where a directory
 * should, `ENOENT` when the file system takes no new directory there, `EACCES`,
 * `EROFS`, `ENOSPC`).
 *
 * Hand-written instead of `mkdirSync(path, { recursive: true })`: on a file
 * system that answers `mkdir` with ENOENT under a directory that exists —
 * procfs (`/proc/self/x`), some FUSE file systems — Node's recursive mkdir
 * makes the parent (EEXIST), retries the child (ENOENT) and loops forever.
 *
 * @param mode permission bits of each directory made (umask applies)
 */
export function makeDirectorySync(path: string, mode = 0o777): void {
  const missing: string[] = [];
  let at = resolve(path);
  for (;;) {
    try {
      if (statSync(at).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: 'ENOTDIR', path: at });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(at);
      const up = dirname(at);
      if (up === at) throw e;
      at = up;
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, { mode });
    } catch (e) {
      // another process made it meanwhile
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw e;
    }
  }
}

/**
 * {@link makeDirectorySync} for async callers: the same bounded walk (Node's
 * `mkdir(path, { recursive: true })` loops on procfs too). It runs the sync
 * walk — a handful of `stat`/`mkdir` calls on local paths, shorter than a
 * second copy of the walk is worth — and rejects where that throws.
 */
export async function makeDirectory(path: string, mode = 0o777): Promise<void> {
  makeDirectorySync(path, mode);
}
