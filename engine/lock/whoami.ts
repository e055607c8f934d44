import { hostname, userInfo } from 'node:os';

/** The user plumb runs as, for locks and the audit log: `PLUMB_USER`, else the OS user. */
export function currentUser(): string {
  if (process.env.PLUMB_USER) return process.env.PLUMB_USER;
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export function currentHost(): string {
  return hostname();
}

/** Is a process of this machine still running? EPERM means it is, but not ours. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
