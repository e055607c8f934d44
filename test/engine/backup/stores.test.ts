import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { createDirStore } from '../../../engine/backup/dir-store.js';
import { createGitStore } from '../../../engine/backup/git-store.js';
import { sha256Hex } from '../../../engine/backup/manifest.js';
import type { BackupStore, TargetArtifact } from '../../../engine/backup/types.js';
import { verifyBackup } from '../../../engine/backup/verify-backup.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-backup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enc = new TextEncoder();
const artifacts: TargetArtifact[] = [
  { id: 'file:default/motd', target: 'files', provider: 'file', exists: true, mediaType: 'text/plain', data: enc.encode('hello\n') },
  { id: 'file:default/new', target: 'files', provider: 'file', exists: false, mediaType: 'text/plain', data: new Uint8Array() },
];
const now = new Date('2026-11-25T18:05:18.123Z');

const stores: [string, (d: string) => BackupStore][] = [
  ['dir', (d) => createDirStore(join(d, 'backups'))],
  ['git', (d) => createGitStore(join(d, 'backups.git'))],
];

describe.each(stores)('the %s backup store', (_kind, make) => {
  it('saves a backup whose manifest names every CI and checksums every artifact', async () => {
    const store = make(dir);
    const manifest = await store.save({ revision: 'abc', planHash: 'p1', reason: 'apply', wave: 2, artifacts, now });
    expect(manifest).toEqual({
      version: 1,
      id: expect.stringMatching(/^20261125T180518123Z-[0-9a-f]{6}$/),
      time: '2026-11-25T18:05:18.123Z',
      revision: 'abc',
      planHash: 'p1',
      reason: 'apply',
      wave: 2,
      cis: [
        { id: 'file:default/motd', target: 'files', provider: 'file' },
        { id: 'file:default/new', target: 'files', provider: 'file' },
      ],
      artifacts: [
        {
          ci: 'file:default/motd',
          target: 'files',
          path: 'artifacts/000000.bin',
          mediaType: 'text/plain',
          exists: true,
          size: 6,
          sha256: sha256Hex(enc.encode('hello\n')),
        },
        {
          ci: 'file:default/new',
          target: 'files',
          path: 'artifacts/000001.bin',
          mediaType: 'text/plain',
          exists: false,
          size: 0,
          sha256: sha256Hex(new Uint8Array()),
        },
      ],
    });
    expect(await store.list()).toEqual([manifest]);
    const loaded = await store.load(manifest.id);
    expect(verifyBackup(loaded).map((a) => [a.id, new TextDecoder().decode(a.data)])).toEqual([
      ['file:default/motd', 'hello\n'],
      ['file:default/new', ''],
    ]);
  });

  it('lists backups oldest first', async () => {
    const store = make(dir);
    const b = await store.save({ revision: null, planHash: null, reason: 'on-demand', artifacts, now: new Date('2026-11-25T18:00:01Z') });
    const a = await store.save({ revision: null, planHash: null, reason: 'on-demand', artifacts, now: new Date('2026-11-25T18:00:00Z') });
    expect((await store.list()).map((m) => m.id)).toEqual([a.id, b.id]);
  });

  it('an unknown id is backup.not-found', async () => {
    await expect(make(dir).load('20261125T180518123Z-000000')).rejects.toMatchObject({ code: 'backup.not-found' });
  });
});

describe('verification', () => {
  it('one byte changed in an artifact makes the backup corrupt, naming the artifact', async () => {
    const store = createDirStore(join(dir, 'backups'));
    const m = await store.save({ revision: null, planHash: null, reason: 'on-demand', artifacts, now });
    const file = join(dir, 'backups', m.id, 'artifacts/000000.bin');
    const bytes = await readFile(file);
    bytes[0] ^= 1;
    await writeFile(file, bytes);
    let err: unknown;
    try {
      verifyBackup(await store.load(m.id));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'backup.corrupt',
      data: { id: m.id, artifacts: [{ ci: 'file:default/motd', path: 'artifacts/000000.bin', problem: 'checksum mismatch' }] },
    });
  });
});

describe('atomicity', () => {
  it('a dir backup interrupted before its rename is never listed', async () => {
    const store = createDirStore(join(dir, 'backups'));
    await store.save({ revision: null, planHash: null, reason: 'on-demand', artifacts, now });
    // what a crash mid-write leaves behind
    await fs.promises.mkdir(join(dir, 'backups', '.tmp-20261125T180519000Z-abcdef', 'artifacts'), { recursive: true });
    expect((await store.list()).length).toBe(1);
  });

  it('identical artifacts deduplicate in the git store and backups form a history', async () => {
    const store = createGitStore(join(dir, 'backups.git'));
    await store.save({ revision: null, planHash: null, reason: 'on-demand', artifacts, now });
    const objectsAfterOne = await countObjects(join(dir, 'backups.git'));
    await store.save({ revision: null, planHash: null, reason: 'on-demand', artifacts, now: new Date(now.getTime() + 1) });
    const objectsAfterTwo = await countObjects(join(dir, 'backups.git'));
    // only a new manifest blob, top tree and commit: artifacts and their tree are shared
    expect(objectsAfterTwo - objectsAfterOne).toBe(3);
    const log = await git.log({ fs, gitdir: join(dir, 'backups.git'), ref: 'refs/heads/backups' });
    expect(log.length).toBe(2);
  });
});

async function countObjects(gitdir: string): Promise<number> {
  let n = 0;
  for (const d of await readdir(join(gitdir, 'objects'))) if (/^[0-9a-f]{2}$/.test(d)) n += (await readdir(join(gitdir, 'objects', d))).length;
  return n;
}
