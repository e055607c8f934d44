import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `data` so that a reader sees the old bytes or the new,
 * never a torn file, even across a crash: write a temp file in the same
 * directory (O_EXCL, O_NOFOLLOW), fsync it, rename it over the target, fsync
 * the directory. The temp file is removed on failure.
 *
 * @param mode permission bits applied to the new file before it becomes visible.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.plumb-${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
}

/** Makes a rename or unlink in `dir` durable; best effort where directories cannot be opened. */
export async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, constants.O_RDONLY).catch(() => undefined);
  if (!dh) return;
  await dh.sync().catch(() => undefined);
  await dh.close();
}
