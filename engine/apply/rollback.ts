import type { BackupStore } from '../backup/types.js';
import { verifyBackup } from '../backup/verify-backup.js';
import type { Provider } from '../providers/contract.js';
import type { RollbackOutcome } from './types.js';

/**
 * Restores the given CIs of one backup through their targets' providers.
 * The backup is re-read from the store and verified first, so a rollback never
 * writes bytes that differ from what was backed up. Never throws: a rollback
 * that fails is reported (ok: false, with the reason), because the operator
 * must learn the state things are in, not get a stack trace.
 */
export async function restoreFromBackup(
  store: BackupStore,
  backupId: string,
  ids: ReadonlySet<string> | undefined,
  providers: ReadonlyMap<string, Provider>,
  wave: number,
  signal: AbortSignal,
  dryRun = false,
): Promise<RollbackOutcome> {
  const restored: string[] = [];
  try {
    const artifacts = verifyBackup(await store.load(backupId)).filter((a) => !ids || ids.has(a.id));
    const byTarget = new Map<string, typeof artifacts>();
    for (const a of artifacts) {
      let list = byTarget.get(a.target);
      if (!list) byTarget.set(a.target, (list = []));
      list.push(a);
    }
    const problems: string[] = [];
    for (const [target, list] of byTarget) {
      const provider = providers.get(target);
      if (!provider?.restore) {
        problems.push(`target ${target} cannot restore`);
        continue;
      }
      const answer = await provider.restore({ artifacts: list.map(({ target: _t, ...a }) => a), dryRun }, signal);
      restored.push(...answer.restored);
      const error = answer.diagnostics.find((d) => d.severity === 'error');
      if (!answer.ok || error) problems.push(`target ${target}: ${error?.message ?? 'restore failed'}`);
    }
    return { wave, backup: backupId, restored, ok: problems.length === 0, ...(problems.length ? { message: problems.join('; ') } : {}) };
  } catch (e) {
    return { wave, backup: backupId, restored, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
