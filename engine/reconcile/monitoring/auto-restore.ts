import { openApplyContext } from '../../apply/open-targets.js';
import { restoreBackup, type RestoreReport } from '../../apply/restore-backup.js';
import type { CorrelationSettings } from '../../config/notifications.js';
import type { CorrelatedIncident, LikelyChange } from '../../incidents/types.js';
import { topologicalWaves } from '../../plan/topological-waves.js';
import { selectDesired } from '../../providers/registry.js';
import type { DesiredState } from '../desired-state.js';

/**
 * Does plumb.yaml's `notifications.correlation.autoRestore` allow restoring
 * this incident's likely change by itself? Only for an open incident that
 * names a change with a restore, and takes down or degrades a business
 * service of one of the listed criticalities.
 */
export function mayAutoRestore(
  policy: CorrelationSettings['autoRestore'],
  incident: Pick<CorrelatedIncident, 'status' | 'businessServices' | 'change'>,
): boolean {
  if (!policy || incident.status !== 'open' || !incident.change?.backup || !incident.change.restore) return false;
  return incident.businessServices.some((s) => (s.state === 'down' || s.state === 'degraded') && policy.criticalities.includes(s.criticality));
}

/**
 * Restores the CIs the change's restore command names from its backup, as
 * `plumb restore <backup> <ref>...` would: checksums verified, the current
 * state backed up first, waves in plan order, health checks, target locks,
 * and a `restore.*` record in the audit log (which is also what stops the
 * change from being offered again).
 */
export async function restoreLikelyChange(
  desired: DesiredState,
  change: LikelyChange,
  options: { readonly cliSettings?: Readonly<Record<string, unknown>>; readonly signal: AbortSignal; readonly healthTimeoutMs?: number },
): Promise<RestoreReport> {
  const { repo } = desired;
  const ids = (change.restore ?? '').split(' ').slice(3);
  const backupId = change.backup!;
  const probe = await openApplyContext({ root: repo.root, config: repo.config, targets: [], cliSettings: options.cliSettings });
  const manifest = (await probe.backupStore.load(backupId)).manifest;
  await probe.close();
  const targets = [...new Set(manifest.cis.filter((ci) => ids.includes(ci.id)).map((ci) => ci.target))];
  const context = await openApplyContext({ root: repo.root, config: repo.config, targets, cliSettings: options.cliSettings });
  try {
    const inGraph = ids.filter((id) => desired.graph.hasNode(id));
    return await restoreBackup({
      backupId,
      ids,
      store: context.backupStore,
      providers: context.providers,
      lock: context.lock,
      audit: context.audit,
      desired: new Map(targets.map((t) => [t, repo.config.targets[t] ? selectDesired(repo.config.targets[t], t, repo.cis) : []])),
      hooks: {},
      options: {
        dryRun: false,
        healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
        revision: desired.revision,
        signal: options.signal,
        waves: topologicalWaves({ graph: desired.graph, applied: inGraph, deleted: [] }).waves,
      },
    });
  } finally {
    await context.close();
  }
}
