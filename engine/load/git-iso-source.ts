import * as fs from 'node:fs';
import { relative } from 'node:path';
import git from 'isomorphic-git';
import { SKIPPED_DIRECTORIES, type FileSource } from './file-source.js';
import { listTreeUnder } from './list-tree.js';
import { gitPrefix, notARepositoryError, unknownRevError } from './git-errors.js';

/**
 * Reads one revision from the object database with isomorphic-git (no `git`
 * binary needed): walks the commit's tree with readTree, reads blobs with
 * readBlob. Accepts branch and tag names, full refs and (abbreviated) SHAs —
 * not `git rev-parse` expressions such as `HEAD~2`.
 */
export async function openIsoGitSource(root: string, rev: string): Promise<FileSource> {
  let dir: string;
  try {
    dir = await git.findRoot({ fs, filepath: root });
  } catch (e) {
    throw notARepositoryError(root, e);
  }
  const prefix = gitPrefix(relative(dir, root));
  const cache = {};
  const commit = await resolveCommit(dir, rev, cache);

  let tree: Promise<Map<string, { oid: string; symlink: boolean }>> | undefined;
  const entries = () => (tree ??= walkTree(dir, commit, prefix, cache));

  return {
    root,
    revision: commit,
    async list(bases) {
      return listTreeUnder(await entries(), bases);
    },
    async read(path) {
      const entry = (await entries()).get(path);
      if (!entry || entry.symlink) return undefined;
      return (await git.readBlob({ fs, dir, oid: entry.oid, cache })).blob;
    },
    close: async () => {},
  };
}

async function resolveCommit(dir: string, rev: string, cache: object): Promise<string> {
  let oid: string | undefined;
  try {
    oid = await git.resolveRef({ fs, dir, ref: rev });
  } catch {
    if (/^[0-9a-f]{4,40}$/i.test(rev)) oid = await git.expandOid({ fs, dir, oid: rev.toLowerCase(), cache }).catch(() => undefined);
  }
  if (!oid) throw unknownRevError(rev);
  // peel annotated tags down to the commit
  for (let depth = 0; depth < 10; depth++) {
    const object = await git.readObject({ fs, dir, oid, cache }).catch((e: unknown) => {
      throw unknownRevError(rev, e);
    });
    if (object.type === 'commit') return oid;
    if (object.type !== 'tag') break;
    oid = (await git.readTag({ fs, dir, oid, cache })).tag.object;
  }
  throw unknownRevError(rev);
}

async function walkTree(dir: string, commit: string, prefix: string, cache: object) {
  const map = new Map<string, { oid: string; symlink: boolean; notUtf8?: boolean }>();
  let start: string;
  try {
    start = (await git.readTree({ fs, dir, oid: commit, filepath: prefix.replace(/\/$/, '') || undefined, cache })).oid;
  } catch {
    return map; // the plumb root does not exist in this revision
  }
  const walk = async (treeOid: string, path: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, dir, oid: treeOid, cache });
    for (const entry of tree) {
      if (SKIPPED_DIRECTORIES.has(entry.path)) continue;
      const child = path ? `${path}/${entry.path}` : entry.path;
      if (entry.type === 'tree') await walk(entry.oid, child);
      // isomorphic-git decodes names as UTF-8 with U+FFFD for other bytes (its bytes are not kept): such a name is taken as not UTF-8
      else if (entry.type === 'blob')
        map.set(child, { oid: entry.oid, symlink: entry.mode === '120000', ...(child.includes('\uFFFD') ? { notUtf8: true } : {}) });
    }
  };
  await walk(start, '');
  return map;
}
