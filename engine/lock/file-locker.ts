import { open, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PlumbError } from '../model/errors.js';
import type { LockHandle, LockInfo, TargetLocker } from './types.js';
import { currentHost, currentUser, pidAlive } from './whoami.js';
import { makeDirectory } from '../model/make-directory.js';

export interface FileLockerOptions {
  /** Directory of lock files, `.plumb/locks` under the repository root. */
  readonly dir: string;
  /** Break locks whose holder is gone (or cannot be checked from here); a live holder on this host is never broken. */
  readonly breakLock?: boolean;
  readonly now?: () => Date;
}

export type LockState = { info: LockInfo; orphaned: boolean; reason?: string };

/**
 * One apply per target: `<dir>/<target>.lock`, created with `open(…, 'wx')` so
 * exactly one process wins. A second caller gets PlumbError `lock.held` naming
 * the holder; when the holder is gone (same host, pid not running) the error
 * says the lock is orphaned and `--break-lock` may remove it. Locks are never
 * broken silently: broken ones come back in `LockHandle.broken`.
 */
export function createFileLocker(opts: FileLockerOptions): TargetLocker {
  return {
    async acquire({ targets, planHash, operation }): Promise<LockHandle> {
      await makeDirectory(opts.dir);
      const held: { info: LockInfo; file: string }[] = [];
      const broken: LockInfo[] = [];
      const release = async () => {
        for (const h of held.splice(0)) await unlink(h.file).catch(() => undefined);
      };
      try {
        // sorted, so two appliers over overlapping targets cannot deadlock each other
        for (const target of [...new Set(targets)].sort()) {
          const info: LockInfo = {
            target,
            owner: currentUser(),
            host: currentHost(),
            pid: process.pid,
            startedAt: (opts.now?.() ?? new Date()).toISOString(),
            planHash,
            operation,
          };
          const file = lockFile(opts.dir, target);
          const brokenOne = await take(file, info, opts.breakLock ?? false);
          if (brokenOne) broken.push(brokenOne);
          held.push({ info, file });
        }
      } catch (e) {
        await release();
        throw e;
      }
      return { held: held.map((h) => h.info), broken, release };
    },
  };
}

export function lockFile(dir: string, target: string): string {
  return join(dir, `${encodeURIComponent(target)}.lock`);
}

/** Reads a lock file and decides whether its holder is gone. Undefined when there is no lock. */
export async function inspectLock(file: string, target: string): Promise<LockState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let info: LockInfo;
  try {
    info = JSON.parse(text) as LockInfo;
  } catch {
    // created but never written: its writer died between open and write
    const unknown: LockInfo = { target, owner: 'unknown', host: 'unknown', pid: 0, startedAt: '', planHash: null, operation: 'unknown' };
    return { info: unknown, orphaned: true, reason: 'the lock file is empty or unreadable' };
  }
  if (info.host !== currentHost()) return { info, orphaned: false, reason: `held from another host (${info.host}); cannot check the holder from here` };
  if (!pidAlive(info.pid)) return { info, orphaned: true, reason: `process ${info.pid} on ${info.host} is gone` };
  return { info, orphaned: false };
}

async function take(file: string, info: LockInfo, breakLock: boolean): Promise<LockInfo | undefined> {
  let brokenInfo: LockInfo | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o644);
      try {
        await fh.writeFile(JSON.stringify(info, null, 2) + '\n');
        await fh.sync();
      } catch (e) {
        // never leave an empty lock behind (it would read as orphaned and block the next run)
        await fh.close().catch(() => undefined);
        await unlink(file).catch(() => undefined);
        throw e;
      } finally {
        await fh.close().catch(() => undefined);
      }
      return brokenInfo;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new PlumbError('lock.no-space', `cannot take the lock of target ${info.target}: the disk holding ${dirname(file)} is full`, {
          hint: 'free space there (old backups: `plumb backups`), then run again; nothing was changed',
          cause: e,
        });
      }
      if (code !== 'EEXIST') throw e;
    }
    const state = await inspectLock(file, info.target);
    if (!state) continue; // released meanwhile
    const breakable = state.orphaned || (state.info.host !== info.host && state.info.host !== 'unknown');
    if (breakLock && breakable && attempt === 0) {
      await unlink(file).catch(() => undefined);
      brokenInfo = state.info;
      continue;
    }
    throw heldError(state, breakLock);
  }
  throw heldError((await inspectLock(file, info.target)) ?? { info, orphaned: false }, breakLock);
}

function heldError(state: LockState, breakLock: boolean): PlumbError {
  const i = state.info;
  const holder = `${i.owner}@${i.host} pid ${i.pid}${i.startedAt ? ` since ${i.startedAt}` : ''}${i.operation !== 'unknown' ? ` (${i.operation})` : ''}`;
  const message = state.orphaned ? `target ${i.target} has an orphaned lock held by ${holder}: ${state.reason}` : `target ${i.target} is locked by ${holder}`;
  const hint = state.orphaned
    ? 'the holder is gone; check what it left half-done (`plumb backups`, .plumb/audit.jsonl), then run again with --break-lock'
    : breakLock
      ? 'the holder is still running; wait for it to finish — a live lock is never broken'
      : 'another apply is running on this target; wait for it to finish, or if it is gone run again with --break-lock';
  return new PlumbError('lock.held', message, { hint, data: { lock: i, orphaned: state.orphaned } });
}
