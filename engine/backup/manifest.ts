import { createHash, randomBytes } from 'node:crypto';
import type { BackupManifest, ManifestArtifact, SaveBackupInput } from './types.js';
import { PlumbError } from '../model/errors.js';

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

/** The only artifact paths a store writes: `artifacts/NNNNNN.bin`. Anything else in a manifest is refused. */
export const ARTIFACT_PATH_PATTERN = /^artifacts\/\d{6,9}\.bin$/;

/**
 * What is wrong with a manifest read from a store, or undefined when it can be
 * trusted as far as its shape goes: an object of version 1 with the id it is
 * stored under, and artifacts whose paths are the store's own
 * (ARTIFACT_PATH_PATTERN — a path that climbs out of the backup would let
 * restore read any file) and whose checksums are SHA-256 hex. Checksums of the
 * bytes themselves are verify-backup's job.
 */
export function manifestProblem(manifest: unknown, id: string): string | undefined {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return 'the manifest is not a JSON object';
  const m = manifest as Partial<BackupManifest>;
  if (m.version !== 1) return 'the manifest has an unknown version';
  if (m.id !== id) return 'the manifest names another backup id';
  if (!Array.isArray(m.artifacts) || !Array.isArray(m.cis)) return 'the manifest has no artifact or CI list';
  const seen = new Set<string>();
  for (const a of m.artifacts) {
    if (typeof a !== 'object' || a === null || typeof a.path !== 'string' || !ARTIFACT_PATH_PATTERN.test(a.path))
      return 'an artifact path is not one the store writes (artifacts/NNNNNN.bin)';
    if (seen.has(a.path)) return 'two artifacts share a path';
    seen.add(a.path);
    if (typeof a.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(a.sha256)) return 'an artifact has no SHA-256 checksum';
  }
  return undefined;
}

/** PlumbError `backup.corrupt` for a manifest manifestProblem refused. */
export function corruptBackup(id: string, problem: string): PlumbError {
  return new PlumbError('backup.corrupt', `backup ${id} is corrupt: ${problem}`, {
    hint: 'restore from another backup (`plumb backups` lists them, corrupt ones marked); this one is never read',
    data: { id },
  });
}
