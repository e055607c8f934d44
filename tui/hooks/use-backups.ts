import { useCallback, useState } from 'react';
import { PlumbError, type BackupManifest, type RestoreReport } from '../../engine/index.js';
import type { TuiSession } from '../engine-session.js';

export interface BackupsState {
  readonly loading: boolean;
  /** Newest first. */
  readonly list: readonly BackupManifest[];
  /** A dry run or a restore of one backup, and which it was. */
  readonly job?: { readonly backup: string; readonly phase: 'dry-running' | 'rehearsed' | 'restoring' | 'done'; readonly report?: RestoreReport };
  readonly error?: string;
}

export interface BackupsControls extends BackupsState {
  load(): void;
  /** A dry run first; only a rehearsed backup can be restored. */
  dryRun(backup: string): void;
  restore(): void;
  clear(): void;
}

/** The backups view's data: manifests from the store (never values), restores through the engine with a dry run first. */
export function useBackups(session: TuiSession): BackupsControls {
  const [state, setState] = useState<BackupsState>({ loading: false, list: [] });
  const fail = (e: unknown) =>
    setState((s) => ({
      ...s,
      loading: false,
      job: undefined,
      error: e instanceof PlumbError && e.hint ? `${e.message} (${e.hint})` : e instanceof Error ? e.message : String(e),
    }));

  const load = useCallback(() => {
    setState((s) => ({ ...s, loading: true, error: undefined }));
    session
      .listBackups()
      .then((list) => setState((s) => ({ ...s, loading: false, list: [...list].reverse() })))
      .catch(fail);
  }, [session]);

  const dryRun = useCallback(
    (backup: string) => {
      setState((s) => ({ ...s, error: undefined, job: { backup, phase: 'dry-running' } }));
      session
        .restore(backup, { dryRun: true })
        .then((report) => setState((s) => ({ ...s, job: { backup, phase: 'rehearsed', report } })))
        .catch(fail);
    },
    [session],
  );

  const restore = useCallback(() => {
    const current = state.job;
    if (!current || current.phase !== 'rehearsed' || current.report?.outcome !== 'succeeded') return;
    setState((s) => ({ ...s, job: { backup: current.backup, phase: 'restoring' } }));
    session
      .restore(current.backup, { dryRun: false })
      .then((report) => setState((s) => ({ ...s, job: { backup: current.backup, phase: 'done', report } })))
      .catch(fail);
  }, [session, state.job]);

  const clear = useCallback(() => setState((s) => ({ ...s, job: undefined, error: undefined })), []);
  return { ...state, load, dryRun, restore, clear };
}
