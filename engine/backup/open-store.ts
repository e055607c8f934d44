import { isAbsolute, resolve } from 'node:path';
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
