import { useCallback, useRef, useState } from 'react';
import { PlumbError, type ApplyHooks, type ApplyReport, type ChangeResult, type RestoreReport } from '../../engine/index.js';
import type { TuiSession } from '../engine-session.js';
import { blockingDenials, type ApplySelection } from '../model/apply-selection.js';

export type ChangeStatus = ChangeResult | 'pending' | 'running';

export interface ApplyRun {
  /**
   * confirm: the dialog (what will change, what is backed up); blocked: a
   * policy denies the selection; running; failed: the operator chooses whether
   * to roll back; rolling-back; done.
   */
  readonly phase: 'confirm' | 'blocked' | 'running' | 'failed' | 'rolling-back' | 'done';
  readonly selection: ApplySelection;
  readonly status: ReadonlyMap<string, { readonly status: ChangeStatus; readonly message?: string }>;
  readonly wave?: number;
  readonly backups: readonly { readonly wave: number; readonly id: string; readonly count: number }[];
  readonly health: readonly { readonly wave: number; readonly id: string; readonly healthy: boolean; readonly message?: string }[];
  readonly report?: ApplyReport;
  readonly rollback?: RestoreReport;
  /** An apply the engine refused (stale plan, lock held…): message and hint. */
  readonly error?: { readonly message: string; readonly hint?: string };
}

export interface ApplyControls {
  readonly run?: ApplyRun;
  /** Opens the confirm dialog (or the blocked one) for a selection. */
  open(selection: ApplySelection): void;
  confirm(): void;
  /** After a failure: restore the failed wave's touched CIs from its backup. */
  rollback(): void;
  /** Closes the apply view; `changed` says whether the actual state may have changed (re-plan). */
  dismiss(): boolean;
}

/**
 * The apply flow as state: the engine's apply hooks become per-change statuses
 * the components render. The engine applies with rollback off; on failure the
 * operator is asked, and a rollback is the engine's restore of that wave's
 * backup, limited to the CIs the wave touched.
 */
export function useApply(session: TuiSession): ApplyControls {
  const [run, setRun] = useState<ApplyRun | undefined>();
  const busy = useRef(false);
  const update = (f: (r: ApplyRun) => ApplyRun) => setRun((r) => (r ? f(r) : r));
  const setStatus = (id: string, status: ChangeStatus, message?: string) =>
    update((r) => ({ ...r, status: new Map(r.status).set(id, { status, ...(message ? { message } : {}) }) }));

  const open = useCallback((selection: ApplySelection) => {
    const status = new Map(selection.changes.map((c) => [c.id, { status: 'pending' as ChangeStatus }]));
    setRun({ phase: blockingDenials(selection).length ? 'blocked' : 'confirm', selection, status, backups: [], health: [] });
  }, []);

  const confirm = useCallback(() => {
    if (!run || run.phase !== 'confirm' || busy.current) return;
    busy.current = true;
    const hooks: Partial<ApplyHooks> = {
      onWaveStart: (wave) => update((r) => ({ ...r, wave })),
      onBackup: (wave, id, ids) => update((r) => ({ ...r, backups: [...r.backups, { wave, id, count: ids.length }] })),
      onChangeStart: (c) => setStatus(c.id, 'running'),
      onChangeApplied: (o) => setStatus(o.id, o.result, o.message),
      onChangeFailed: (o) => setStatus(o.id, o.result, o.message),
      onChangeSkipped: (o) => setStatus(o.id, o.result, o.message),
      onHealth: (wave, results) => update((r) => ({ ...r, health: [...r.health, ...results.map((h) => ({ wave, ...h }))] })),
    };
    setRun({ ...run, phase: 'running' });
    session
      .apply(run.selection.plan, hooks)
      .then((report) => {
        update((r) => ({
          ...r,
          report,
          status: new Map(report.changes.map((o) => [o.id, { status: o.result, ...(o.message ? { message: o.message } : {}) }])),
          phase: report.outcome === 'failed' && rollbackTarget(r, report) ? 'failed' : 'done',
        }));
      })
      .catch((e: unknown) => update((r) => ({ ...r, phase: 'done', error: errorOf(e) })))
      .finally(() => {
        busy.current = false;
      });
  }, [run, session]);

  const rollback = useCallback(() => {
    if (!run || run.phase !== 'failed' || !run.report || busy.current) return;
    const target = rollbackTarget(run, run.report);
    if (!target) return;
    busy.current = true;
    setRun({ ...run, phase: 'rolling-back' });
    session
      .restore(target.backup, { ids: target.ids, dryRun: false })
      .then((rollback) => update((r) => ({ ...r, rollback, phase: 'done' })))
      .catch((e: unknown) => update((r) => ({ ...r, phase: 'done', error: errorOf(e) })))
      .finally(() => {
        busy.current = false;
      });
  }, [run, session]);

  const dismiss = useCallback(() => {
    if (!run || run.phase === 'running' || run.phase === 'rolling-back') return false;
    const changed = run.report !== undefined || run.rollback !== undefined;
    setRun(undefined);
    return changed;
  }, [run]);

  return { run, open, confirm, rollback, dismiss };
}

/** The failed wave's backup and the CIs that wave touched (applied, failed or unhealthy). */
export function rollbackTarget(run: Pick<ApplyRun, 'backups'>, report: ApplyReport): { backup: string; wave: number; ids: string[] } | undefined {
  if (report.failedWave === undefined) return undefined;
  const backup = run.backups.find((b) => b.wave === report.failedWave)?.id ?? report.backups.at(-1);
  const ids = report.changes
    .filter((c) => c.wave === report.failedWave && (c.result === 'applied' || c.result === 'failed' || c.result === 'unhealthy'))
    .map((c) => c.id);
  return backup && ids.length ? { backup, wave: report.failedWave, ids } : undefined;
}

function errorOf(e: unknown): { message: string; hint?: string } {
  if (e instanceof PlumbError) return { message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  return { message: e instanceof Error ? e.message : String(e) };
}
