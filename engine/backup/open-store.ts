import { isAbsolute, resolve } from 'node:path';
import { PlumbError } from '../model/errors.js';
import type { BackupConfig } from '../config/types.js';
import { createDirStore } from './dir-store.js';
import { createGitStore } from './git-store.js';
import type { BackupStore } from './types.js';

/**
 * The store plumb.yaml's `backup:` names. A relative path is relative to the
 * repository root; a `git` store left at the `dir` default path goes to
 * `.plumb/backups.git` instead, so switching stores never mixes the two layouts.
 */
export function openBackupStore(config: BackupConfig, root: string): BackupStore {
  const configured = config.store === 'git' && config.path === '.plumb/backups' ? '.plumb/backups.git' : config.path;
  const path = isAbsolute(configured) ? configured : resolve(root, configured);
  return config.store === 'git' ? createGitStore(path) : createDirStore(path);
}

/** The alias of the newest backup in `plumb restore` (as `helm rollback` and `kubectl rollout undo` default to the previous revision). */
export const LATEST_BACKUP = 'latest';

/**
 * A backup id as the user gave it: `latest` is the newest backup of the store
 * (ids start with their UTC time, so the greatest id is the newest); any other
 * id is returned as it is, for `load` to find or refuse. Throws PlumbError
 * `backup.not-found` for `latest` when the store holds no backup.
 */
export async function resolveBackupId(store: BackupStore, id: string): Promise<string> {
  if (id !== LATEST_BACKUP) return id;
  const ids = (await store.list()).map((m) => m.id).sort();
  const newest = ids.at(-1);
  if (!newest) {
    throw new PlumbError('backup.not-found', `no backup in ${store.path} yet, so there is no latest one`, {
      hint: 'an apply backs up every CI before it changes it; `plumb backup REF` takes one on demand',
    });
  }
  return newest;
}
