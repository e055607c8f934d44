import { openApplyContext } from '../apply/open-targets.js';
import { onDemandBackup } from '../backup/on-demand-backup.js';
import { openBackupStore } from '../backup/open-store.js';
import type { BackupManifest, CorruptBackup } from '../backup/types.js';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { selectTargets } from '../plan/select-targets.js';
import { selectDesired } from '../providers/registry.js';
import { loadDesired, loadSettings, type RepositoryLocation } from './desired-state.js';

export interface BackupOptions extends RepositoryLocation {
  /** Only these CI identities; default every CI of the targets, desired or observed. */
  readonly ids?: readonly string[];
  /** The target; default plumb.yaml's defaultTarget, else every target. */
  readonly target?: string;
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
}

export interface BackupResult {
  readonly manifest: BackupManifest;
  readonly targets: readonly string[];
  /** Where it went: `dir` or `git`, and the store's path. */
  readonly store: { readonly kind: string; readonly path: string };
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * `plumb backup`: discovers each target and backs up its CIs (or just `ids`) as
 * one on-demand backup; providers are opened and closed here. A named CI no
 * target has is PlumbError `backup.unknown-ci`.
 */
export async function backup(opts: BackupOptions = {}): Promise<BackupResult> {
  const repo = await loadDesired(opts);
  const targets = selectTargets(repo.config, opts.target);
  const context = await openApplyContext({ root: repo.root, config: repo.config, targets, cliSettings: opts.cliSettings });
  try {
    const desired = new Map<string, readonly CI[]>(targets.map((t) => [t, selectDesired(repo.config.targets[t], t, repo.cis)]));
    const { manifest, diagnostics } = await onDemandBackup({
      store: context.backupStore,
      providers: context.providers,
      desired,
      ...(opts.ids?.length ? { ids: opts.ids } : {}),
      revision: repo.revision ?? null,
      signal: opts.signal,
    });
    return { manifest, targets, store: { kind: context.backupStore.kind, path: context.backupStore.path }, diagnostics };
  } finally {
    await context.close();
  }
}

export interface BackupList {
  /** Oldest first. Only manifests are read, so no secret value can be listed. */
  readonly backups: readonly BackupManifest[];
  readonly corrupt: readonly CorruptBackup[];
}

/** `plumb backups`: the backups in the store plumb.yaml configures. */
export async function listBackups(opts: RepositoryLocation = {}): Promise<BackupList> {
  const { root, config } = await loadSettings(opts);
  const store = openBackupStore(config.backup, root);
  return { backups: await store.list(), corrupt: await store.listCorrupt() };
}
