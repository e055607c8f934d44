import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirectory } from '../model/make-directory.js';

/**
 * Where plumb keeps its local state under the repository root: locks, the
 * audit log and (by default) backups. It must never be committed — backups hold
 * raw actual state, secrets included — so the directory carries its own
 * `.gitignore` of `*`, which works whatever the repository's own .gitignore says.
 */
export interface StateDir {
  readonly root: string;
  readonly locks: string;
  readonly audit: string;
}

export function stateDir(repoRoot: string): StateDir {
  const root = join(repoRoot, '.plumb');
  return { root, locks: join(root, 'locks'), audit: join(root, 'audit.jsonl') };
}

/** Creates `.plumb/` (0700) with its `.gitignore`, if missing. */
export async function ensureStateDir(repoRoot: string): Promise<StateDir> {
  const dir = stateDir(repoRoot);
  await makeDirectory(dir.root, 0o700);
  await writeFile(join(dir.root, '.gitignore'), '*\n', { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return dir;
}
