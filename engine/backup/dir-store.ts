import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PlumbError } from '../model/errors.js';
import { inBatches } from './in-batches.js';
import { buildManifest, BACKUP_ID_PATTERN, corruptBackup, manifestProblem } from './manifest.js';
import type { BackupManifest, BackupStore, CorruptBackup, LoadedBackup, SaveBackupInput } from './types.js';
import { didYouMeanHint } from '../model/did-you-mean.js';
import { makeDirectory } from '../model/make-directory.js';

const MANIFEST = 'manifest.json';

/**
 * The default backup store: one directory per backup under `path`
 * (`<id>/manifest.json`, `<id>/artifacts/NNNNNN.bin`). A backup is written into
 * `.tmp-<id>`, fsynced, and renamed into place, so a crash never leaves a
 * half-written backup that `list` would show. Directories are created 0700 and
 * files 0600: artifacts hold raw actual state, secrets included.
 */
export function createDirStore(path: string): BackupStore {
  return {
    kind: 'dir',
    path,
    async save(input: SaveBackupInput): Promise<BackupManifest> {
      const manifest = buildManifest(input);
      await makeDirectory(path, 0o700);
      const tmp = join(path, `.tmp-${manifest.id}`);
      await makeDirectory(join(tmp, 'artifacts'), 0o700);
      try {
        await inBatches(manifest.artifacts, (a, i) => writeSynced(join(tmp, a.path), input.artifacts[i].data));
        await writeSynced(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
        await rename(tmp, join(path, manifest.id));
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw new PlumbError('backup.write-failed', `could not write backup ${manifest.id} to ${path}`, {
          hint: 'check that the backup store path is writable and has space',
          cause: e,
        });
      }
      return manifest;
    },
    async list(): Promise<BackupManifest[]> {
      let names: string[];
      try {
        names = await readdir(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      const ids = names.filter((n) => BACKUP_ID_PATTERN.test(n)).sort();
      const manifests = await inBatches(ids, (id) => readManifest(path, id));
      return manifests.flatMap((m) => ('manifest' in m ? [m.manifest] : []));
    },
    async listCorrupt(): Promise<CorruptBackup[]> {
      const names = await readdir(path).catch(() => [] as string[]);
      const ids = names.filter((n) => BACKUP_ID_PATTERN.test(n)).sort();
      const manifests = await inBatches(ids, (id) => readManifest(path, id));
      return manifests.flatMap((m, i) => ('problem' in m ? [{ id: ids[i], problem: m.problem }] : []));
    },
    async load(id: string): Promise<LoadedBackup> {
      const read = BACKUP_ID_PATTERN.test(id) ? await readManifest(path, id) : undefined;
      if (!read || ('problem' in read && read.missing)) throw notFound(id, path, await backupIds(path));
      if ('problem' in read) throw corruptBackup(id, read.problem);
      const manifest = read.manifest;
      const data = new Map<string, Uint8Array>();
      await inBatches(manifest.artifacts, async (a) => {
        try {
          data.set(a.path, await readFile(join(path, id, a.path)));
        } catch {
          // missing: verification reports it by name
        }
      });
      return { manifest, data };
    },
  };
}

async function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(file, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function readManifest(path: string, id: string): Promise<{ manifest: BackupManifest } | { problem: string; missing?: boolean }> {
  let text: string;
  try {
    text = await readFile(join(path, id, MANIFEST), 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    return { problem: missing ? 'the manifest is missing' : 'the manifest cannot be read', missing: missing && !(await exists(join(path, id))) };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return { problem: 'the manifest is not valid JSON' };
  }
  const problem = manifestProblem(manifest, id);
  return problem ? { problem } : { manifest: manifest as BackupManifest };
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** `backup.not-found`, with a did-you-mean over the ids the store has (`known`). */
export function notFound(id: string, path: string, known: readonly string[]): PlumbError {
  return new PlumbError('backup.not-found', `no backup ${id} in ${path}`, {
    hint: didYouMeanHint(id, known, 'run `plumb backups` to list the backups there are'),
    data: { id },
  });
}

async function backupIds(path: string): Promise<string[]> {
  return (await readdir(path).catch(() => [] as string[])).filter((n) => BACKUP_ID_PATTERN.test(n));
}
