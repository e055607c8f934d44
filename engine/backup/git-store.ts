import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { PlumbError } from '../model/errors.js';
import { notFound } from './dir-store.js';
import { inBatches } from './in-batches.js';
import { buildManifest, BACKUP_ID_PATTERN, corruptBackup, manifestProblem } from './manifest.js';
import type { BackupManifest, BackupStore, CorruptBackup, LoadedBackup, SaveBackupInput } from './types.js';
import { makeDirectory } from '../model/make-directory.js';

const BRANCH = 'refs/heads/backups';
const BACKUP_REFS = 'refs/backups';
const AUTHOR = { name: 'plumb', email: 'plumb@localhost' };

/**
 * Backups as commits in a separate bare Git repository, written with
 * isomorphic-git's low-level object API. Identical artifacts are one blob, so
 * repeated backups of unchanged CIs cost a tree entry, not a copy; the
 * `backups` branch gives them history. Each backup also gets its own ref
 * `refs/backups/<id>`, written last: that ref is what makes a backup exist, so
 * an interrupted write leaves only unreachable objects behind.
 */
export function createGitStore(path: string): BackupStore {
  const gitdir = path;
  let ready: Promise<void> | undefined;
  const init = () =>
    (ready ??= (async () => {
      await makeDirectory(path, 0o700);
      if (!fs.existsSync(`${path}/HEAD`)) await git.init({ fs, gitdir, bare: true, defaultBranch: 'backups' });
    })());

  return {
    kind: 'git',
    path,
    async save(input: SaveBackupInput): Promise<BackupManifest> {
      await init();
      const manifest = buildManifest(input);
      try {
        const blobs = await inBatches(input.artifacts, (a) => git.writeBlob({ fs, gitdir, blob: a.data }));
        const artifactsTree = await git.writeTree({
          fs,
          gitdir,
          tree: manifest.artifacts.map((a, i) => ({
            mode: '100644',
            path: a.path.slice('artifacts/'.length),
            oid: blobs[i],
            type: 'blob' as const,
          })),
        });
        const manifestBlob = await git.writeBlob({
          fs,
          gitdir,
          blob: new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'),
        });
        const tree = await git.writeTree({
          fs,
          gitdir,
          tree: [
            { mode: '040000', path: 'artifacts', oid: artifactsTree, type: 'tree' },
            { mode: '100644', path: 'manifest.json', oid: manifestBlob, type: 'blob' },
          ],
        });
        const parent = await resolve(gitdir, BRANCH);
        const seconds = Math.floor(Date.parse(manifest.time) / 1000);
        const who = { ...AUTHOR, timestamp: seconds, timezoneOffset: 0 };
        const commit = await git.writeCommit({
          fs,
          gitdir,
          commit: {
            message: `backup ${manifest.id} (${manifest.reason}, ${manifest.cis.length} CIs)\n`,
            tree,
            parent: parent ? [parent] : [],
            author: who,
            committer: who,
          },
        });
        await git.writeRef({ fs, gitdir, ref: `${BACKUP_REFS}/${manifest.id}`, value: commit, force: true });
        await git.writeRef({ fs, gitdir, ref: BRANCH, value: commit, force: true });
      } catch (e) {
        throw new PlumbError('backup.write-failed', `could not write backup ${manifest.id} to ${path}`, {
          hint: 'check that the backup repository is writable and has space',
          cause: e,
        });
      }
      return manifest;
    },
    async list(): Promise<BackupManifest[]> {
      if (!fs.existsSync(`${path}/HEAD`)) return [];
      const ids = (await git.listRefs({ fs, gitdir, filepath: BACKUP_REFS })).filter((n) => BACKUP_ID_PATTERN.test(n)).sort();
      const manifests = await inBatches(ids, (id) => readManifest(gitdir, id));
      return manifests.flatMap((m) => ('manifest' in m ? [m.manifest] : []));
    },
    async listCorrupt(): Promise<CorruptBackup[]> {
      if (!fs.existsSync(`${path}/HEAD`)) return [];
      const ids = (await git.listRefs({ fs, gitdir, filepath: BACKUP_REFS })).filter((n) => BACKUP_ID_PATTERN.test(n)).sort();
      const manifests = await inBatches(ids, (id) => readManifest(gitdir, id));
      return manifests.flatMap((m, i) => ('problem' in m ? [{ id: ids[i], problem: m.problem }] : []));
    },
    async load(id: string): Promise<LoadedBackup> {
      const commit = BACKUP_ID_PATTERN.test(id) && fs.existsSync(`${path}/HEAD`) ? await resolve(gitdir, `${BACKUP_REFS}/${id}`) : undefined;
      if (!commit) {
        const known = fs.existsSync(`${path}/HEAD`) ? await git.listRefs({ fs, gitdir, filepath: BACKUP_REFS }).catch(() => [] as string[]) : [];
        throw notFound(id, path, known);
      }
      const read = await readManifest(gitdir, id);
      if ('problem' in read) throw corruptBackup(id, read.problem);
      const manifest = read.manifest;
      const data = new Map<string, Uint8Array>();
      const cache = {};
      await inBatches(manifest.artifacts, async (a) => {
        try {
          const { blob } = await git.readBlob({ fs, gitdir, oid: commit, filepath: a.path, cache });
          data.set(a.path, blob);
        } catch {
          // missing or unreadable object: verification names it
        }
      });
      return { manifest, data };
    },
  };
}

async function resolve(gitdir: string, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir, ref });
  } catch {
    return undefined;
  }
}

async function readManifest(gitdir: string, id: string): Promise<{ manifest: BackupManifest } | { problem: string }> {
  let manifest: unknown;
  try {
    const commit = await git.resolveRef({ fs, gitdir, ref: `${BACKUP_REFS}/${id}` });
    const { blob } = await git.readBlob({ fs, gitdir, oid: commit, filepath: 'manifest.json' });
    manifest = JSON.parse(new TextDecoder().decode(blob));
  } catch {
    return { problem: 'the manifest cannot be read' };
  }
  const problem = manifestProblem(manifest, id);
  return problem ? { problem } : { manifest: manifest as BackupManifest };
}
