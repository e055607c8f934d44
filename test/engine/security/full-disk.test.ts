import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFileLocker } from '../../../engine/lock/file-locker.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-full-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('a full disk', () => {
  // attack: with the disk full, taking a lock left an empty lock file that blocked every later run
  it('gives lock.no-space with a hint and leaves no lock behind', async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { writeFile: (...a: unknown[]) => Promise<void> };
    await probe.close();
    vi.spyOn(proto, 'writeFile').mockRejectedValue(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    const locker = createFileLocker({ dir: join(dir, 'locks') });
    await expect(locker.acquire({ targets: ['files'], planHash: null, operation: 'apply' })).rejects.toMatchObject({
      code: 'lock.no-space',
      hint: 'free space there (old backups: `plumb backups`), then run again; nothing was changed',
    });
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });
});
