import type { AuditLog } from '../audit/types.js';
import type { BackupStore } from '../backup/types.js';
import type { TargetLocker } from '../lock/types.js';
import type { PlumbConfig } from '../config/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Plan } from '../plan/types.js';
import type { Provider } from '../providers/contract.js';
import type { ApplyHooks } from './hooks.js';

export interface ApplyOptions {
  /** Changes applied at once inside a wave. Default 4. */
  readonly concurrency?: number;
  /** Per wave and target; a health check that does not answer in time counts as failed. Default 60 000. */
  readonly healthTimeoutMs?: number;
  /**
   * Wait after each wave until what it applied is healthy (default true). Off
   * (`--no-wait`): waves follow each other as soon as they are applied, and no
   * change is reported unhealthy.
   */
  readonly wait?: boolean;
  /** Restore the failed wave's backups. */
  readonly rollbackOnFailure?: boolean;
  /** With rollbackOnFailure: also every earlier applied wave's, in reverse wave order. */
  readonly rollbackAll?: boolean;
  /** Apply a plan a policy denied; the reason is recorded in the audit log. */
  readonly overridePolicy?: string;
  /** Apply the plan's deletes; without it they are skipped and reported. */
  readonly prune?: boolean;
  /**
   * The prune guards (plumb.yaml `prune` and each target's): with `prune`, a
   * plan that empties a target or deletes over its ceiling is refused
   * (engine/plan/prune-guard.ts). Default: no ceiling, empty targets refused.
   */
  readonly pruneConfig?: Pick<PlumbConfig, 'prune' | 'targets'>;
  /** Carry out `replace` changes (delete + create) of every CI; without it only those annotated `plumb.io/replace: allowed`. */
  readonly allowReplace?: boolean;
  /** Take over objects another inventory owns (the plan's `owner`); without it such a plan is refused. */
  readonly adopt?: boolean;
  /** Only these targets of the plan; default all. */
  readonly targets?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface ApplyInput {
  readonly plan: Plan;
  /** Target name → its provider. */
  readonly providers: ReadonlyMap<string, Provider>;
  readonly backupStore: BackupStore;
  readonly lock: TargetLocker;
  readonly audit: AuditLog;
  readonly hooks?: Partial<ApplyHooks>;
  readonly options?: ApplyOptions;
}

/**
 * What became of a change. Restores add two: `unchanged` (the actual state
 * already equals the backup's, so nothing was written) and `would-apply` (a
 * dry run's rehearsal passed; nothing was written).
 */
export type ChangeResult = 'applied' | 'failed' | 'not-attempted' | 'skipped' | 'unhealthy' | 'unchanged' | 'would-apply';

export interface ChangeOutcome {
  readonly id: string;
  readonly target: string;
  readonly action: string;
  readonly wave: number;
  readonly result: ChangeResult;
  readonly message?: string;
  /**
   * The provider could not reach its target at all (an error diagnostic whose
   * code ends in `.unreachable`): the rest of the wave on that target is not
   * attempted rather than each change waiting out its own retries.
   */
  readonly unreachable?: boolean;
}

export interface RollbackOutcome {
  readonly wave: number;
  readonly backup: string;
  readonly restored: readonly string[];
  readonly ok: boolean;
  readonly message?: string;
}

/**
 * What an apply did, change by change. `outcome` is `succeeded` only when every
 * change applied and every health check passed; `rolled-back` when it failed
 * and every requested rollback succeeded.
 */
export interface ApplyReport {
  /** The run id in the audit log. */
  readonly run: string;
  readonly planHash: string;
  readonly outcome: 'succeeded' | 'failed' | 'rolled-back' | 'aborted';
  /** The wave that failed, when one did. */
  readonly failedWave?: number;
  readonly changes: readonly ChangeOutcome[];
  readonly backups: readonly string[];
  readonly rollbacks: readonly RollbackOutcome[];
  readonly health: readonly { wave: number; id: string; healthy: boolean; message?: string }[];
  /** Earlier runs found interrupted in the audit log (acknowledged by this one). */
  readonly interrupted: readonly { run: string; time: string; user: string; planHash: string | null }[];
  readonly brokenLocks: readonly { target: string; owner: string; host: string; pid: number; startedAt: string }[];
  readonly policyOverride?: string;
  readonly diagnostics: readonly Diagnostic[];
}
