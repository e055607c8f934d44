import { PlumbError } from '../model/errors.js';
import type { BackupArtifact } from '../providers/contract.js';
import { sha256Hex } from './manifest.js';
import type { LoadedBackup, ManifestArtifact } from './types.js';

export interface VerifiedArtifact extends BackupArtifact {
  readonly target: string;
}

/**
 * Checks every artifact of a backup against its manifest SHA-256 before
 * anything is restored: restoring half a backup and then finding the other
 * half corrupt is the one outcome worse than not restoring. Throws PlumbError
 * `backup.corrupt` naming every artifact (CI and file) that is missing or
 * differs; on success returns the artifacts ready for providers' `restore`.
 */
export function verifyBackup(backup: LoadedBackup): VerifiedArtifact[] {
  const bad: { ci: string; path: string; problem: 'missing' | 'checksum mismatch' }[] = [];
  const verified: VerifiedArtifact[] = [];
  for (const a of backup.manifest.artifacts) {
    const data = backup.data.get(a.path);
    if (!data) bad.push({ ci: a.ci, path: a.path, problem: 'missing' });
    else if (data.byteLength !== a.size || sha256Hex(data) !== a.sha256) bad.push({ ci: a.ci, path: a.path, problem: 'checksum mismatch' });
    else verified.push(toArtifact(a, data));
  }
  if (bad.length > 0) {
    const named = bad.map((b) => `${b.ci} (${b.path}: ${b.problem})`).join(', ');
    throw new PlumbError('backup.corrupt', `backup ${backup.manifest.id} is corrupt: ${named}`, {
      hint: 'nothing was restored; restore from another backup (`plumb backups` lists them)',
      data: { id: backup.manifest.id, artifacts: bad },
    });
  }
  return verified;
}

function toArtifact(a: ManifestArtifact, data: Uint8Array): VerifiedArtifact {
  return { id: a.ci, target: a.target, exists: a.exists, mediaType: a.mediaType, data };
}
