import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { PlumbError } from '../model/errors.js';
import type { Provider } from '../providers/contract.js';
import type { BackupManifest, BackupStore, SaveBackupInput, TargetArtifact } from './types.js';

export interface TakeBackupOptions {
  readonly store: BackupStore;
  readonly providers: ReadonlyMap<string, Provider>;
  /** Target name → CI identities to back up there. */
  readonly ids: ReadonlyMap<string, readonly string[]>;
  readonly revision: string | null;
  readonly planHash: string | null;
  readonly reason: SaveBackupInput['reason'];
  readonly wave?: number;
  readonly signal?: AbortSignal;
  readonly now?: Date;
}

/**
 * Asks each target's provider for the raw actual objects of the given CIs and
 * stores them as one backup. A provider that cannot back up (no `backup`, or an
 * error diagnostic, or an artifact missing for an asked id) stops everything
 * with PlumbError `backup.failed`: apply never touches a CI it could not back up.
 */
export async function takeBackup(opts: TakeBackupOptions): Promise<{ manifest: BackupManifest; diagnostics: Diagnostic[] }> {
  const signal = opts.signal ?? new AbortController().signal;
  const diagnostics: Diagnostic[] = [];
  const artifacts: TargetArtifact[] = [];
  for (const [target, ids] of opts.ids) {
    if (ids.length === 0) continue;
    const provider = opts.providers.get(target);
    if (!provider?.backup) {
      throw new PlumbError('backup.failed', `target ${target} cannot take backups (provider ${provider?.name ?? 'missing'})`, {
        hint: 'apply only to targets whose provider supports backup, or remove the CIs from the plan',
        data: { target },
      });
    }
    const answer = await provider.backup({ ids }, signal);
    diagnostics.push(...answer.diagnostics);
    const got = new Set(answer.artifacts.map((a) => a.id));
    const missing = ids.filter((id) => !got.has(id));
    if (hasErrors(answer.diagnostics) || missing.length > 0) {
      const why = answer.diagnostics.find((d) => d.severity === 'error')?.message ?? `no artifact for ${missing.join(', ')}`;
      throw new PlumbError('backup.failed', `backup of target ${target} failed: ${why}`, {
        hint: 'nothing was changed; fix the provider error and apply again',
        data: { target, missing },
      });
    }
    const wanted = new Set(ids);
    for (const a of answer.artifacts) if (wanted.has(a.id)) artifacts.push({ ...a, target, provider: provider.name });
  }
  const manifest = await opts.store.save({
    revision: opts.revision,
    planHash: opts.planHash,
    reason: opts.reason,
    wave: opts.wave,
    artifacts,
    now: opts.now,
  });
  return { manifest, diagnostics };
}
