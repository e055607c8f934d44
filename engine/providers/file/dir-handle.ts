import { constants, existsSync } from 'node:fs';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';

/**
 * Walking and writing relative to directory descriptors, so that a local
 * process swapping a directory for a symlink between plumb's check and its
 * write cannot redirect the write outside the root (a check-then-write by
 * path lost 2–25 of 300 files in a race test).
 *
 * Node has no openat(2); on Linux `/proc/self/fd/N/name` is its equivalent:
 * the kernel resolves `name` inside the directory the descriptor N holds open,
 * whatever its path has become since, and O_NOFOLLOW refuses `name` when it is
 * a symlink. Every component is opened that way, from the root's descriptor
 * down; writes, renames, removals and chmods then name the final component
 * through the parent's descriptor. Elsewhere (no /proc) `openParent` returns
 * undefined and callers fall back to checked paths.
 */
export const HAS_PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

/** `/proc/self/fd/N/name`: `name` inside the directory `dir` holds open. */
export function inside(dir: FileHandle, name: string): string {
  return `/proc/self/fd/${dir.fd}/${name}`;
}

/**
 * Opens the parent directory of a path under `rootReal` one component at a
 * time (O_DIRECTORY | O_NOFOLLOW each), creating missing ones with `mode` when
 * `create`. A component that is a symlink or not a directory fails with
 * ELOOP / ENOTDIR. The caller closes the handle.
 */
export async function openParent(rootReal: string, parents: readonly string[], create: boolean, mode = 0o755): Promise<FileHandle | undefined> {
  if (!HAS_PROC_FD) return undefined;
  const flags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
  let dir = await open(rootReal, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    for (const part of parents) {
      const path = inside(dir, part);
      let next: FileHandle;
      try {
        next = await open(path, flags);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw e;
        await mkdir(path, { mode }).catch((m: NodeJS.ErrnoException) => {
          if (m.code !== 'EEXIST') throw m;
        });
        next = await open(path, flags);
      }
      await dir.close();
      dir = next;
    }
    return dir;
  } catch (e) {
    await dir.close().catch(() => undefined);
    throw e;
  }
}

/**
 * Removes the temp files a killed apply left beside `name` in `dir`
 * (`.NAME.plumb-XXXXXXXXXXXX.tmp`, engine/providers/atomic-write.ts). One
 * apply per target at a time (target locks), so none of them is in use.
 */
export async function removeStaleTemps(dirPath: string, name: string): Promise<void> {
  const prefix = `.${name}.plumb-`;
  const entries = await readdir(dirPath).catch(() => [] as string[]);
  for (const entry of entries) {
    if (entry.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(entry.slice(prefix.length))) await unlink(`${dirPath}/${entry}`).catch(() => undefined);
  }
}
