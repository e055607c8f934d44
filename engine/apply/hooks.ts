import type { StartedRecord } from '../audit/types.js';
import type { LockInfo } from '../lock/types.js';
import type { PlannedChange } from '../plan/types.js';
import type { ChangeOutcome, RollbackOutcome } from './types.js';

/**
 * Progress of an apply or a restore, as it happens (Terraform's `Hook`). The
 * engine calls these and never prints: the CLI renders them as lines on stderr,
 * the TUI as components, the controller as logs and metrics. Every hook is
 * optional; a throwing hook is a bug in the front end and aborts the run.
 */
export interface ApplyHooks {
  /** An earlier run started and never finished (found in the audit log). */
  onInterrupted(run: StartedRecord): void;
  /** An orphaned lock was broken (only with --break-lock). */
  onLockBroken(lock: LockInfo): void;
  onWaveStart(wave: number, changes: readonly PlannedChange[]): void;
  onBackup(wave: number, backupId: string, ids: readonly string[]): void;
  onChangeStart(change: PlannedChange): void;
  onChangeApplied(outcome: ChangeOutcome): void;
  onChangeFailed(outcome: ChangeOutcome): void;
  onChangeSkipped(outcome: ChangeOutcome): void;
  onHealth(wave: number, results: readonly { id: string; healthy: boolean; message?: string }[]): void;
  onWaveEnd(wave: number, ok: boolean): void;
  onRollbackStart(wave: number, backupId: string): void;
  onRollback(outcome: RollbackOutcome): void;
}

export function withDefaults(hooks: Partial<ApplyHooks> = {}): ApplyHooks {
  const noop = () => undefined;
  return {
    onInterrupted: hooks.onInterrupted ?? noop,
    onLockBroken: hooks.onLockBroken ?? noop,
    onWaveStart: hooks.onWaveStart ?? noop,
    onBackup: hooks.onBackup ?? noop,
    onChangeStart: hooks.onChangeStart ?? noop,
    onChangeApplied: hooks.onChangeApplied ?? noop,
    onChangeFailed: hooks.onChangeFailed ?? noop,
    onChangeSkipped: hooks.onChangeSkipped ?? noop,
    onHealth: hooks.onHealth ?? noop,
    onWaveEnd: hooks.onWaveEnd ?? noop,
    onRollbackStart: hooks.onRollbackStart ?? noop,
    onRollback: hooks.onRollback ?? noop,
  };
}
