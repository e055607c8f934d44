import { createHash } from 'node:crypto';
import { lstatSync, readlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { simpleGit } from 'simple-git';
import { readWorktreeFileAgain } from '../load/worktree-source.js';

/** Directories that are never part of the desired state. */
const SKIP = new Set(['.git', '.plumb', 'node_modules']);

/**
 * The revision of a local directory. In a clean Git work tree it is the HEAD
 * commit; in a dirty one `HEAD-dirty-HASH`, where HASH covers the paths and
 * contents of the files Git reports changed or untracked (so two different
 * edits give two revisions, and undoing an edit gives HEAD back); outside Git
 * `content-HASH` over every file. Hashes are the first 12 hex digits of sha256.
 */
export async function localRevision(dir: string): Promise<string> {
  const git = simpleGit({ baseDir: dir });
  let head: string | undefined;
  try {
    if (await git.checkIsRepo()) head = (await git.revparse(['HEAD'])).trim();
  } catch {
    head = undefined; // no git binary, or a repository without commits
  }
  if (!head) return `content-${await hashFiles(dir, await listFiles(dir))}`;
  const status = await git.status(['--untracked-files=all']);
  const dirty = [...new Set(status.files.map((f) => f.path))].filter((p) => !p.split('/').some((s) => SKIP.has(s)));
  if (dirty.length === 0) return head;
  return `${head}-dirty-${await hashFiles(dir, dirty)}`;
}

async function hashFiles(dir: string, paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const p of [...paths].sort()) {
    hash.update(p).update('\0');
    hash.update(contentOf(dir, p)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * What a changed path holds, on the loader's terms (engine/load/worktree-source.ts): a regular file inside the
 * directory, never opened blocking, never through a link out of it — git lists a link as untracked or modified (a
 * FIFO it does not list, but a link to one: its blocking open hung the controller's fetch for good; a link to
 * /dev/zero was read to 2 GiB; a link out of the checkout was read there). Anything else is named by what it is: a
 * link by its target's text, so pointing it elsewhere still names another revision.
 */
function contentOf(dir: string, path: string): Buffer {
  const bytes = readWorktreeFileAgain(dir, path);
  if (bytes) return Buffer.concat([Buffer.from('file\0'), bytes]);
  try {
    const info = lstatSync(join(dir, path));
    return Buffer.from(info.isSymbolicLink() ? `link\0${readlinkSync(join(dir, path))}` : `mode\0${info.mode}`);
  } catch {
    return Buffer.from('\0deleted');
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  await walk(dir);
  return out;
}
