import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restoreBackup, type RestoreInput } from '../../../engine/apply/restore-backup.js';
import { createMemoryAuditLog } from '../../../engine/audit/jsonl-audit-log.js';
import { createDirStore } from '../../../engine/backup/dir-store.js';
import { takeBackup } from '../../../engine/backup/take-backup.js';
import { createFileLocker } from '../../../engine/lock/file-locker.js';
import { doc, fakeWith } from './plan-for.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-restore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setup() {
  const fake = fakeWith({ 'host:shop/a': { v: 1 }, 'host:shop/b': { v: 1 } });
  const store = createDirStore(join(dir, 'backups'));
  const providers = new Map([['t', fake]]);
  const { manifest } = await takeBackup({
    store,
    providers,
    ids: new Map([['t', ['host:shop/a', 'host:shop/b', 'host:shop/c']]]),
    revision: null,
    planHash: null,
    reason: 'on-demand',
  });
  // the world moves on
  fake.state.set('host:shop/a', { id: 'host:shop/a', object: doc('host:shop/a', { v: 2 }) });
  fake.state.set('host:shop/c', { id: 'host:shop/c', object: doc('host:shop/c', { v: 2 }) });
  const audit = createMemoryAuditLog();
  const input: RestoreInput = { backupId: manifest.id, store, providers, lock: createFileLocker({ dir: join(dir, 'locks') }), audit };
  return { fake, store, manifest, audit, input };
}

describe('restoreBackup', () => {
  it('restores every CI as it was, deleting what did not exist, after backing up the present; what did not change is unchanged', async () => {
    const { fake, input, audit } = await setup();
    const report = await restoreBackup(input);
    expect(report.outcome).toBe('succeeded');
    expect([...fake.state.values()].map((o) => [o.id, o.object.spec])).toEqual([
      ['host:shop/a', { v: 1 }],
      ['host:shop/b', { v: 1 }],
    ]);
    expect(report.changes.map((c) => [c.id, c.action, c.result])).toEqual([
      ['host:shop/a', 'restore', 'applied'],
      ['host:shop/b', 'restore', 'unchanged'],
      ['host:shop/c', 'delete', 'applied'],
    ]);
    expect(report.preRestoreBackup).toBeDefined();
    expect(audit.records.map((r) => r.event)).toEqual(['restore.started', 'restore.finished']);
  });

  it('restores only the named CIs', async () => {
    const { fake, input } = await setup();
    await restoreBackup({ ...input, ids: ['host:shop/a'] });
    expect(fake.state.get('host:shop/a')?.object.spec).toEqual({ v: 1 });
    expect(fake.state.get('host:shop/c')?.object.spec).toEqual({ v: 2 });
  });

  it('a dry run changes nothing and says what it would do', async () => {
    const { fake, input, audit, store } = await setup();
    const before = JSON.stringify([...fake.state]);
    const backupsBefore = (await store.list()).length;
    const report = await restoreBackup({ ...input, options: { dryRun: true } });
    expect(report.changes.map((c) => [c.id, c.result])).toEqual([
      ['host:shop/a', 'would-apply'],
      ['host:shop/b', 'unchanged'],
      ['host:shop/c', 'would-apply'],
    ]);
    expect(JSON.stringify([...fake.state])).toBe(before);
    expect(audit.records).toEqual([]);
    expect((await store.list()).length).toBe(backupsBefore);
  });

  it('refuses a backup with one byte changed, naming the artifact, and touches nothing', async () => {
    const { fake, input, manifest } = await setup();
    const file = join(dir, 'backups', manifest.id, manifest.artifacts[1].path);
    const bytes = await readFile(file);
    bytes[bytes.length - 2] ^= 0x01;
    await writeFile(file, bytes);
    const before = JSON.stringify([...fake.state]);
    await expect(restoreBackup(input)).rejects.toMatchObject({
      code: 'backup.corrupt',
      data: { artifacts: [{ ci: 'host:shop/b', path: manifest.artifacts[1].path, problem: 'checksum mismatch' }] },
    });
    expect(JSON.stringify([...fake.state])).toBe(before);
  });

  it('a CI the backup does not hold is named', async () => {
    const { input } = await setup();
    await expect(restoreBackup({ ...input, ids: ['host:shop/zzz'] })).rejects.toMatchObject({ code: 'backup.unknown-ci', data: { ids: ['host:shop/zzz'] } });
  });
});
