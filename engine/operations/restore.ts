import type { ApplyHooks } from '../apply/hooks.js';
import { openApplyContext } from '../apply/open-targets.js';
import { restoreBackup, type RestoreReport } from '../apply/restore-backup.js';
import { openBackupStore, resolveBackupId } from '../backup/open-store.js';
import type { BackupManifest } from '../backup/types.js';
import { buildGraph } from '../graph/build-graph.js';
import type { CI } from '../model/ci.js';
import { topologicalWaves } from '../plan/topological-waves.js';
import { selectDesired } from '../providers/registry.js';
import { loadDesired, type DesiredState, type RepositoryLocation } from './desired-state.js';
import type { OpenContext } from './apply.js';

export interface RestoreOptions extends RepositoryLocation {
  /** A backup id, or `latest` for the newest backup of the store. */
  readonly backupId: string;
  /** Only these CIs of the backup; default all. */
  readonly ids?: readonly string[];
  /** Change nothing; report what would be restored. */
  readonly dryRun?: boolean;
  readonly healthTimeoutMs?: number;
  readonly breakLock?: boolean;
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  readonly hooks?: Partial<ApplyHooks>;
  readonly signal?: AbortSignal;
  /** The loaded desired state, when the caller has it (the TUI); otherwise read from the work tree. */
  readonly desired?: DesiredState & { readonly cis: readonly CI[] };
  /**
   * Called with the backup's manifest before anything is opened for writing;
   * answering false cancels (the CLI's confirmation). Not called for a dry run.
   */
  readonly confirm?: (manifest: BackupManifest) => Promise<boolean>;
  readonly openContext?: OpenContext;
  /**
   * Restore in the CIs' plan order (what they depend on first), as `plumb
   * restore` does; false: one wave in the provider's order (the TUI's restore).
   * Default true.
   */
  readonly planOrder?: boolean;
}

/**
 * `plumb restore`: verifies every checksum of the backup, then restores as
 * apply applies — the current state backed up first, waves in the CIs' plan
 * order (what they depend on first; CIs no longer in Git in wave 1), health
 * checks, locks, audit log. Only the targets the backup names are opened, and
 * they are closed whatever happens. Returns undefined when `confirm` said no.
 */
export async function restore(opts: RestoreOptions): Promise<RestoreReport | undefined> {
  const repo = opts.desired ?? (await loadDesired(opts));
  const store = openBackupStore(repo.config.backup, repo.root);
  const backupId = await resolveBackupId(store, opts.backupId);
  const manifest = (await store.load(backupId)).manifest;
  if (!opts.dryRun && opts.confirm && !(await opts.confirm(manifest))) return undefined;
  const targets = [...new Set(manifest.cis.map((ci) => ci.target))];
  const open = opts.openContext ?? openApplyContext;
  const context = await open({ root: repo.root, config: repo.config, targets, breakLock: opts.breakLock, cliSettings: opts.cliSettings });
  try {
    return await restoreBackup({
      backupId,
      ...(opts.ids?.length ? { ids: opts.ids } : {}),
      store: context.backupStore,
      providers: context.providers,
      lock: context.lock,
      audit: context.audit,
      hooks: opts.hooks,
      desired: new Map(targets.map((t) => [t, repo.config.targets[t] ? selectDesired(repo.config.targets[t], t, repo.cis) : []])),
      options: {
        dryRun: opts.dryRun,
        healthTimeoutMs: opts.healthTimeoutMs,
        ...(opts.planOrder === false
          ? {}
          : {
              waves: planOrder(
                repo.cis,
                manifest.cis.map((ci) => ci.id),
              ),
            }),
        revision: repo.revision ?? null,
        signal: opts.signal,
      },
    });
  } finally {
    await context.close();
  }
}

/** Waves in the order the CIs would be planned; CIs no longer in Git go in wave 1. */
function planOrder(cis: readonly CI[], ids: readonly string[]): ReadonlyMap<string, number> {
  const { graph } = buildGraph(cis);
  return topologicalWaves({ graph, applied: ids.filter((id) => graph.hasNode(id)), deleted: [] }).waves;
}
