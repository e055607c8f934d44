import { createHash, randomBytes } from 'node:crypto';
import type { BackupManifest, ManifestArtifact, SaveBackupInput } from './types.js';

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A backup id that sorts by time: `YYYYMMDDTHHMMSSmmmZ-xxxxxx`. The random suffix
 * keeps two backups taken in the same millisecond (parallel targets) apart.
 */
export function newBackupId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const BACKUP_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

/** Artifact file name inside a backup: by position, never from the CI id (ids may hold `/`, `:`…). */
export function artifactPath(index: number): string {
  return `artifacts/${String(index).padStart(6, '0')}.bin`;
}

/**
 * Builds the manifest of a backup from what providers returned: a SHA-256 per
 * artifact over the exact bytes that will be stored, and the CIs in the order
 * the providers gave them.
 */
export function buildManifest(input: SaveBackupInput, id: string = newBackupId(input.now)): BackupManifest {
  const artifacts: ManifestArtifact[] = input.artifacts.map((a, i) => ({
    ci: a.id,
    target: a.target,
    path: artifactPath(i),
    mediaType: a.mediaType,
    exists: a.exists,
    size: a.data.byteLength,
    sha256: sha256Hex(a.data),
  }));
  return {
    version: 1,
    id,
    time: (input.now ?? new Date()).toISOString(),
    revision: input.revision,
    planHash: input.planHash,
    reason: input.reason,
    ...(input.wave === undefined ? {} : { wave: input.wave }),
    cis: input.artifacts.map((a) => ({ id: a.id, target: a.target, provider: a.provider })),
    artifacts,
  };
}
