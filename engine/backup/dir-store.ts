import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PlumbError } from '../model/errors.js';
import { inBatches } from './in-batches.js';
import { buildManifest, BACKUP_ID_PATTERN } from './manifest.js';
import type { BackupManifest, BackupStore, LoadedBackup, SaveBackupInput } from './types.js';

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
      await mkdir(path, { recursive: true, mode: 0o700 });
      const tmp = join(path, `.tmp-${manifest.id}`);
      await mkdir(join(tmp, 'artifacts'), { recursive: true, mode: 0o700 });
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
      return manifests.filter((m): m is BackupManifest => m !== undefined);
    },
    async load(id: string): Promise<LoadedBackup> {
      const manifest = BACKUP_ID_PATTERN.test(id) ? await readManifest(path, id) : undefined;
      if (!manifest) throw notFound(id, path);
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

async function readManifest(path: string, id: string): Promise<BackupManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(path, id, MANIFEST), 'utf8')) as BackupManifest;
  } catch {
    return undefined;
  }
}

export function notFound(id: string, path: string): PlumbError {
  return new PlumbError('backup.not-found', `no backup ${id} in ${path}`, {
    hint: 'run `plumb backups` to list the backups there are',
    data: { id },
  });
}

