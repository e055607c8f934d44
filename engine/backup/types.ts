import type { BackupArtifact } from '../providers/contract.js';

/** A CI a backup covers: which target and provider it belongs to (restore routes it back there). */
export interface BackupCI {
  readonly id: string;
  readonly target: string;
  readonly provider: string;
}

/** One stored artifact: where it lives inside the backup and the SHA-256 restore verifies. */
export interface ManifestArtifact {
  /** CI identity. */
  readonly ci: string;
  readonly target: string;
  /** Path inside the backup (`artifacts/0007.bin`); never derived from user data. */
  readonly path: string;
  readonly mediaType: string;
  /** False when the CI had no actual counterpart: restoring it deletes what is there now. */
  readonly exists: boolean;
  readonly size: number;
  /** Lowercase hex SHA-256 of the stored bytes. */
  readonly sha256: string;
}

/**
 * The manifest of one backup (schemas/backup-manifest.schema.json). It names
 * the CIs and checksums but never holds artifact bytes, so listing backups
 * can never show a secret value.
 */
export interface BackupManifest {
  readonly version: 1;
  /** Sortable: UTC time to the millisecond, then a random suffix (`20261125T180518123Z-3f9a1c`). */
  readonly id: string;
  /** ISO 8601. */
  readonly time: string;
  /** Git revision of the desired state, or `worktree`, or null when unknown. */
  readonly revision: string | null;
  /** Hash of the plan the backup was taken for; null for an on-demand backup. */
  readonly planHash: string | null;
  /** Why it was taken: `apply` (before a wave), `restore` (before a restore), `on-demand`. */
  readonly reason: 'apply' | 'restore' | 'on-demand';
  /** The plan wave it precedes, for `apply` backups. */
  readonly wave?: number;
  readonly cis: readonly BackupCI[];
  readonly artifacts: readonly ManifestArtifact[];
}

/** An artifact as a provider gave it, plus the target it came from. */
export interface TargetArtifact extends BackupArtifact {
  readonly target: string;
  readonly provider: string;
}

export interface SaveBackupInput {
  readonly revision: string | null;
  readonly planHash: string | null;
  readonly reason: BackupManifest['reason'];
  readonly wave?: number;
  readonly artifacts: readonly TargetArtifact[];
  /** Injectable clock, for tests. */
  readonly now?: Date;
}

/** A loaded backup: its manifest and every artifact's bytes, not yet verified. */
export interface LoadedBackup {
  readonly manifest: BackupManifest;
  /** Bytes per manifest artifact path; a missing entry means the file is gone. */
  readonly data: ReadonlyMap<string, Uint8Array>;
}

/**
 * Where backups live. Both stores make a backup appear all at once: a `dir`
 * backup is written to a temporary directory and renamed into place, a `git`
 * backup becomes visible when its ref is written, last.
 */
export interface BackupStore {
  readonly kind: 'dir' | 'git';
  /** Absolute path of the store. */
  readonly path: string;
  save(input: SaveBackupInput): Promise<BackupManifest>;
  /** Every complete backup, oldest first. */
  list(): Promise<BackupManifest[]>;
  /** Backups whose manifest cannot be read or trusted (engine/backup/manifest.ts, manifestProblem), oldest first. */
  listCorrupt(): Promise<CorruptBackup[]>;
  /** Throws PlumbError `backup.not-found` for an unknown id, `backup.corrupt` for a manifest that cannot be trusted. */
  load(id: string): Promise<LoadedBackup>;
}

/** A backup listed but not usable: its manifest is unreadable or refused. */
export interface CorruptBackup {
  readonly id: string;
  readonly problem: string;
}
