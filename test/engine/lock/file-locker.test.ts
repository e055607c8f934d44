import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLocker, lockFile } from '../../../engine/lock/file-locker.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited: reliably not alive. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe('target locks', () => {
  it('the lock file names its holder', async () => {
    const handle = await createFileLocker({ dir, now: () => new Date('2026-11-25T18:00:00Z') }).acquire({
      targets: ['prod'],
      planHash: 'p1',
      operation: 'apply',
    });
    expect(JSON.parse(await readFile(lockFile(dir, 'prod'), 'utf8'))).toEqual({
      target: 'prod',
      owner: expect.any(String),
      host: hostname(),
      pid: process.pid,
      startedAt: '2026-11-25T18:00:00.000Z',
      planHash: 'p1',
      operation: 'apply',
    });
    await handle.release();
  });

  it('a second acquisition refuses with the holder named, and takes no lock at all', async () => {
    const locker = createFileLocker({ dir });
    const first = await locker.acquire({ targets: ['b'], planHash: null, operation: 'apply' });
    await expect(locker.acquire({ targets: ['a', 'b'], planHash: null, operation: 'apply' })).rejects.toMatchObject({
      code: 'lock.held',
      data: { orphaned: false, lock: { target: 'b', pid: process.pid } },
    });
    // `a` was released when `b` failed
    const a = await locker.acquire({ targets: ['a'], planHash: null, operation: 'apply' });
    await a.release();
    await first.release();
  });

  it('a lock whose process is gone is reported orphaned and only broken with breakLock', async () => {
    const stale = {
      target: 'prod',
      owner: 'ops',
      host: hostname(),
      pid: deadPid(),
      startedAt: '2026-11-25T17:00:00.000Z',
      planHash: 'old',
      operation: 'apply',
    };
    await writeFile(lockFile(dir, 'prod'), JSON.stringify(stale));
    await expect(createFileLocker({ dir }).acquire({ targets: ['prod'], planHash: null, operation: 'apply' })).rejects.toMatchObject({
      code: 'lock.held',
      data: { orphaned: true, lock: stale },
    });
    const handle = await createFileLocker({ dir, breakLock: true }).acquire({ targets: ['prod'], planHash: 'new', operation: 'apply' });
    expect(handle.broken).toEqual([stale]);
    await handle.release();
  });

  it('a live holder on this host is never broken, even with breakLock', async () => {
    const held = await createFileLocker({ dir }).acquire({ targets: ['prod'], planHash: null, operation: 'apply' });
    await expect(createFileLocker({ dir, breakLock: true }).acquire({ targets: ['prod'], planHash: null, operation: 'apply' })).rejects.toMatchObject({
      code: 'lock.held',
    });
    await held.release();
  });
});
