/** What a lock file holds: enough for an operator to find the holder. */
export interface LockInfo {
  readonly target: string;
  /** User name of the holder. */
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly planHash: string | null;
  /** `apply`, `restore`… */
  readonly operation: string;
}

/** Locks held by one operation; `release` is idempotent. */
export interface LockHandle {
  readonly held: readonly LockInfo[];
  /** Orphaned locks this acquisition broke (only with `breakLock`), to be reported and audited. */
  readonly broken: readonly LockInfo[];
  release(): Promise<void>;
}

/** Takes the locks of several targets at once, or none of them. */
export interface TargetLocker {
  acquire(req: { targets: readonly string[]; planHash: string | null; operation: string }): Promise<LockHandle>;
}
