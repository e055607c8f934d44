/** The result of one change, as the audit log keeps it. */
export interface AuditChange {
  readonly id: string;
  readonly target: string;
  readonly action: string;
  readonly wave: number;
  readonly result: 'applied' | 'failed' | 'not-attempted' | 'skipped' | 'unhealthy' | 'unchanged' | 'would-apply';
  readonly message?: string;
}

interface AuditBase {
  /** Identifies the operation across its `started` and `finished` records. */
  readonly run: string;
  readonly time: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
}

/**
 * One line of `.plumb/audit.jsonl` (schemas/audit-record.schema.json). A
 * `*.started` record is appended before the first write and a `*.finished`
 * after the last, so a run with no `finished` was interrupted.
 */
export type AuditRecord =
  | (AuditBase & {
      readonly event: 'apply.started' | 'restore.started';
      readonly revision: string | null;
      readonly planHash: string | null;
      readonly targets: readonly string[];
      /** Reason given with --override-policy for a plan a policy denied. */
      readonly policyOverride?: string;
      /** Runs found interrupted (started, never finished) that this run acknowledged. */
      readonly acknowledges?: readonly string[];
      /** Orphaned locks this run broke. */
      readonly brokenLocks?: readonly { target: string; owner: string; host: string; pid: number; startedAt: string }[];
      /** For a restore: the backup restored from. */
      readonly backup?: string;
    })
  | (AuditBase & {
      readonly event: 'apply.finished' | 'restore.finished';
      readonly outcome: 'succeeded' | 'failed' | 'rolled-back' | 'aborted';
      readonly changes: readonly AuditChange[];
      /** Backup ids taken during the run. */
      readonly backups: readonly string[];
      /** Which wave each backup precedes (apply runs; absent in records older than this field). */
      readonly waveBackups?: readonly { wave: number; backup: string }[];
      readonly rollbacks: readonly { wave: number; backup: string; restored: readonly string[]; ok: boolean }[];
      readonly error?: string;
    });

export type StartedRecord = Extract<AuditRecord, { event: 'apply.started' | 'restore.started' }>;
export type FinishedRecord = Extract<AuditRecord, { event: 'apply.finished' | 'restore.finished' }>;

/** Where audit records go: the JSONL file, or an in-memory list in tests. */
export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  read(): Promise<AuditRecord[]>;
}
