import { constants } from 'node:fs';
import { lstat, mkdir, open, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { inside, openParent, removeStaleTemps } from './dir-handle.js';
import { formatMode, type FileSpec } from './file-spec.js';
import { inspectPath, type Located } from './safe-path.js';
import type { Code } from '../../model/codes.js';

/** What a path holds now: the restorable record of a backup, and the source of an observed File. */
export interface FileState {
  readonly exists: boolean;
  readonly type?: 'file' | 'directory';
  readonly mode?: string;
  /** Base64 of the bytes (files). */
  readonly content?: string;
}

export class RefusedPath extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

type Ok = Extract<Located, { ok: true }>;

/**
 * Reads a path without following links: the components are checked with
 * lstat, the file is opened with O_NOFOLLOW, and the opened inode must be the
 * one lstat saw (a swap between check and open is refused, not followed).
 */
export async function readFileState(at: Ok, maxBytes: number): Promise<FileState> {
  const look = await inspectPath(at);
  if (!look.ok) throw new RefusedPath('file.outside-root', look.reason);
  if (!look.stats) return { exists: false };
  const st = look.stats;
  if (st.isDirectory()) return { exists: true, type: 'directory', mode: formatMode(st.mode) };
  if (!st.isFile()) throw new RefusedPath('file.not-regular', 'is neither a regular file nor a directory');
  if (st.size > maxBytes) throw new RefusedPath('file.too-large', `is larger than ${maxBytes} bytes`);
  const fh = await open(at.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const now = await fh.stat();
    if (now.ino !== st.ino || now.dev !== st.dev) throw new RefusedPath('file.outside-root', 'changed while it was being read');
    const bytes = await fh.readFile();
    return { exists: true, type: 'file', mode: formatMode(now.mode), content: bytes.toString('base64') };
  } finally {
    await fh.close();
  }
}

/**
 * Makes the path hold `state`: missing parent directories are created (0755)
 * one checked component at a time; files are written atomically; a directory
 * is removed only when empty. A file never replaces a directory or the reverse.
 */
export async function writeFileState(at: Ok, state: FileState): Promise<void> {
  const look = await inspectPath(at);
  if (!look.ok) throw new RefusedPath('file.outside-root', look.reason);
  const current = look.stats;
  const currentType = current ? (current.isDirectory() ? 'directory' : current.isFile() ? 'file' : 'other') : undefined;
  if (currentType && state.exists && currentType !== state.type)
    throw new RefusedPath('file.type-conflict', `is a ${currentType}, not a ${state.type}; remove it by hand first`);
  // Linux: every component opened through its parent's descriptor with O_NOFOLLOW, and the
  // write made through the parent's descriptor — a directory swapped for a symlink after the
  // check above cannot redirect it (engine/providers/file/dir-handle.ts)
  const name = at.parts[at.parts.length - 1];
  let parent;
  try {
    parent = await openParent(at.root.real, at.parts.slice(0, -1), state.exists);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR')
      throw new RefusedPath('file.outside-root', 'has a parent directory that is a symlink or not a directory (it changed while plumb wrote)');
    if (code === 'ENOENT' && !state.exists) return;
    throw e;
  }
  try {
    const target = parent ? inside(parent, name) : at.path;
    if (!state.exists) {
      if (!current) return;
      if (currentType === 'directory') {
        await rmdir(target).catch((e: NodeJS.ErrnoException) => {
          throw e.code === 'ENOTEMPTY'
            ? new RefusedPath('file.directory-not-empty', 'is a directory that is not empty; plumb removes only empty directories')
            : e;
        });
      } else await unlink(target);
      return;
    }
    if (!parent) {
      let dir = at.root.real;
      for (let i = 0; i < at.parts.length - 1; i++) {
        dir = join(dir, at.parts[i]);
        // another change may create the same parent at the same moment: an existing real directory is fine
        if (i >= look.existing) await mkdir(dir, { mode: 0o755 }).catch((e: NodeJS.ErrnoException) => existingDirectory(e, dir));
      }
    }
    const mode = state.mode !== undefined ? parseInt(state.mode, 8) : current ? current.mode & 0o7777 : state.type === 'directory' ? 0o755 : 0o644;
    if (state.type === 'directory') {
      if (!current) await mkdir(target, { mode }).catch((e: NodeJS.ErrnoException) => existingDirectory(e, target));
      const fh = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_DIRECTORY);
      await fh.chmod(mode).finally(() => fh.close());
      return;
    }
    if (state.content === undefined && current) {
      const fh = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW);
      await fh.chmod(mode).finally(() => fh.close());
      return;
    }
    if (parent) await removeStaleTemps(inside(parent, '.').slice(0, -2), name);
    await writeFileAtomic(target, Buffer.from(state.content ?? '', 'base64'), mode);
  } finally {
    await parent?.close();
  }
}

async function existingDirectory(e: NodeJS.ErrnoException, dir: string): Promise<void> {
  if (e.code !== 'EEXIST') throw e;
  const st = await lstat(dir);
  if (!st.isDirectory()) throw new RefusedPath('file.outside-root', `has a parent ${dir} that appeared as something other than a directory`);
}

/**
 * Whether what was read back is what was written: existence, type, the bytes
 * of a file, and the mode when one was asked for.
 */
export function sameState(wanted: FileState, got: FileState): boolean {
  if (!wanted.exists || !got.exists) return wanted.exists === got.exists;
  return (
    wanted.type === got.type && (wanted.content === undefined || wanted.content === got.content) && (wanted.mode === undefined || wanted.mode === got.mode)
  );
}

/** The state a desired File asks for (content as base64, like FileState). */
export function desiredState(spec: FileSpec): FileState {
  return {
    exists: true,
    type: spec.type,
    mode: spec.mode === undefined ? undefined : formatMode(spec.mode),
    content: spec.type === 'file' && spec.content !== undefined ? Buffer.from(spec.content, 'utf8').toString('base64') : undefined,
  };
}
