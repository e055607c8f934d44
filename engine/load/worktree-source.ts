import {
  type BigIntStats,
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { PlumbError } from '../model/errors.js';
import { outermostBases, SKIPPED_DIRECTORIES, type FileSource, type SourceFile, type StatStamp } from './file-source.js';
import { notUtf8Diagnostic, READ_AS_TEXT } from './list-tree.js';

/**
 * Reads the work tree under `root`. Symbolic links are followed only while they
 * stay inside the repository (a link out of it is skipped with a warning: the
 * desired state must be what is in the repository), and each real directory is
 * walked once, so link loops end. A link to nothing (or a loop of links) and a
 * FIFO, socket or device named like a file plumb reads (`.yaml`, `.yml`,
 * `.json`) are errors (`load.symlink-broken`, `load.not-a-file`): passed over,
 * their CIs would leave the desired state unannounced. An entry removed while
 * the tree is listed is passed over.
 *
 * The file system calls are synchronous on purpose: for thousands of small
 * files they measured about 3× faster than fs/promises (no thread-pool round
 * trip per open/stat/read/close), and loading comes before anything else runs.
 */
export async function openWorktreeSource(root: string): Promise<FileSource> {
  const realRoot = realpathSync(root);
  return {
    root,
    revision: 'worktree',
    list: async (bases) => listWorktree(root, realRoot, bases),
    read: async (path) => readInside(root, realRoot, path),
    close: async () => {},
  };
}

function listWorktree(root: string, realRoot: string, bases: readonly string[]) {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const visited = new Set<string>();
  const inside = (real: string) => real === realRoot || real.startsWith(realRoot + sep);

  const walk = (dir: string): void => {
    let real: string;
    let entries: Dirent[];
    try {
      real = realpathSync(join(root, dir));
      if (!inside(real) || visited.has(real)) return;
      visited.add(real);
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return; // removed while the tree was listed (an editor's temporary directory)
      throw e;
    }
    for (const entry of entries) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      // a name Node decoded with U+FFFD for bytes that are not UTF-8 names no file: it cannot be opened by that name
      const info = lstatSync(join(root, path), { bigint: true, throwIfNoEntry: false });
      if (!info) {
        if (entry.name.includes('\uFFFD') && (entry.isDirectory() || READ_AS_TEXT.test(entry.name)))
          diagnostics.push(notUtf8Diagnostic(path, entry.isDirectory()));
        continue; // else removed while the tree was listed (an editor's temporary file)
      }
      if (info.isDirectory()) walk(path);
      else if (info.isFile()) files.push(fileOf(path, info));
      else if (info.isSymbolicLink()) followLink(path);
      else if (READ_AS_TEXT.test(entry.name)) diagnostics.push(notAFile(path, info));
    }
  };

  const followLink = (path: string): void => {
    let target: string;
    try {
      target = realpathSync(join(root, path));
    } catch (e) {
      // a link whose target is gone (or a loop of links) named like a file plumb reads: its CIs would leave the
      // desired state unannounced — and a prune delete what they describe — as kubectl refuses to apply such a
      // directory; any other name is passed over, as a link removed while the tree is listed is
      const stillThere = lstatSync(join(root, path), { throwIfNoEntry: false })?.isSymbolicLink();
      if (stillThere && READ_AS_TEXT.test(path)) {
        diagnostics.push({
          severity: 'error',
          code: 'load.symlink-broken',
          message: `symbolic link to a file that does not exist (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}): its CIs are not loaded, so a plan would delete what they describe`,
          hint: 'restore the file it points at, or remove the link (and the CIs with it) on purpose',
          file: path,
        });
      }
      return;
    }
    if (!inside(target)) {
      diagnostics.push({
        severity: 'warning',
        code: 'load.symlink-outside',
        message: `symbolic link points outside the repository: ${relative(realRoot, target).split(sep).join('/')}`,
        hint: 'copy the file into the repository; plumb never reads outside it',
        file: path,
      });
      return;
    }
    const info = statSync(target, { bigint: true, throwIfNoEntry: false });
    if (info?.isDirectory()) walk(path);
    else if (info?.isFile()) files.push(fileOf(path, info));
    else if (info && READ_AS_TEXT.test(path)) diagnostics.push(notAFile(path, info));
  };

  for (const base of outermostBases(bases)) {
    if (base.split('/').includes('..')) continue;
    const info = statSync(join(root, base), { throwIfNoEntry: false, bigint: true });
    if (info?.isDirectory()) walk(base);
    else if (info?.isFile()) files.push(fileOf(base, info));
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}

/**
 * A work-tree file's bytes, on the listing's terms: a regular file inside the repository, a link followed only
 * while it stays inside. What plumb reads without listing it first — plumb.yaml — went wherever a link pointed
 * (`plumb.yaml -> /etc/shadow` was read, and its first line quoted as an unknown setting) and blocked on a FIFO's
 * open or read a character device to the end (`plumb.yaml -> /dev/zero`: no end), as a listed file swapped for one
 * after the listing would. Opened without blocking and without following a last-component link (a link is resolved
 * and checked first: realpath for every file cost a cold load ~15 µs a file, 1.5 CPU-s at 100k files), and checked
 * by its descriptor. A directory on the way is the listing's (it follows only links that stay inside).
 *
 * @returns the bytes, or undefined when there is no such file (or it is a directory)
 * @throws PlumbError `load.symlink-outside` for a link out of the repository, `load.symlink-broken` for a link to
 *   nothing (or a loop), `load.not-a-file` for a FIFO, socket or device
 */
function readInside(root: string, realRoot: string, path: string): Buffer | undefined {
  const full = join(root, path);
  let fd: number;
  try {
    // a name that is no link opens as it is (as many system calls as readFileSync: a cold load reads every file)
    fd = openSync(full, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    if (isMissing(e)) return undefined;
    if ((e as NodeJS.ErrnoException).code !== 'ELOOP') throw e;
    // a link: followed only while it stays inside (realpath costs ~3x the read, so only here)
    let real: string;
    try {
      real = realpathSync(full);
    } catch (e2) {
      const code = (e2 as NodeJS.ErrnoException).code;
      // plumb.yaml a link to nothing: its settings (targets, inventoryId, prune) would silently be the defaults
      if (isMissing(e2) || code === 'ELOOP') {
        throw new PlumbError('load.symlink-broken', `${path} is a symbolic link to a file that does not exist (${code})`, {
          hint: 'restore the file it points at, or replace the link with the file',
          data: { file: path },
        });
      }
      throw e2;
    }
    if (real !== realRoot && !real.startsWith(realRoot + sep)) {
      throw new PlumbError('load.symlink-outside', `${path} is a symbolic link to ${real}, outside the repository: plumb never reads outside it`, {
        hint: 'copy the file into the repository in place of the link',
        data: { file: path },
      });
    }
    try {
      fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e3) {
      if (isMissing(e3)) return undefined;
      throw e3;
    }
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) return undefined;
    if (!info.isFile()) {
      const what = info.isFIFO() ? 'a named pipe (FIFO)' : info.isSocket() ? 'a socket' : 'a device';
      throw new PlumbError('load.not-a-file', `${path} is ${what}, not a file: plumb reads only regular files`, {
        hint: `replace ${path} with a file`,
        data: { file: path },
      });
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A repository file a setting names (an endpoint target's `ca`), read on the loader's terms ({@link readInside}): a
 * regular file inside the repository, opened without blocking, never through a link out of it.
 *
 * @returns the bytes, or undefined when there is no such file
 * @throws PlumbError `load.symlink-outside`, `load.symlink-broken`, `load.not-a-file`
 */
export function readRepositoryFile(root: string, path: string): Buffer | undefined {
  return readInside(root, realpathSync(root), path);
}

/**
 * A file of the work tree read again after the load (positions of a diagnostic, engine/load/load-repository.ts) on
 * the same terms as {@link readInside}: never a blocking open of a FIFO a loaded file was swapped for, never through
 * a link out of the repository. Undefined for anything it would refuse.
 */
export function readWorktreeFileAgain(root: string, path: string): Buffer | undefined {
  try {
    return readInside(root, realpathSync(root), path);
  } catch {
    return undefined;
  }
}

/**
 * A named pipe, socket or device named like a file plumb reads (`inventory/apps.yaml` made a FIFO): an error, as
 * its CIs would otherwise leave the desired state unannounced; it is never opened (a FIFO's open would block).
 */
function notAFile(path: string, info: BigIntStats): Diagnostic {
  const what = info.isFIFO() ? 'a named pipe (FIFO)' : info.isSocket() ? 'a socket' : 'a device';
  return {
    severity: 'error',
    code: 'load.not-a-file',
    message: `${what}, not a file: plumb reads only regular files, so its CIs are not loaded`,
    hint: 'replace it with a file',
    file: path,
  };
}

/** A listed file with its size and stat stamp (the manifest's, worktree-manifest.ts). */
function fileOf(path: string, info: BigIntStats): SourceFile {
  return { path, size: Number(info.size), stat: stampOf(info) };
}

function stampOf(info: BigIntStats): StatStamp {
  return {
    fingerprint: `${info.dev}:${info.ino}:${info.mode}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`,
    changedMs: Number((info.mtimeNs > info.ctimeNs ? info.mtimeNs : info.ctimeNs) / 1_000_000n),
  };
}

function isMissing(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
