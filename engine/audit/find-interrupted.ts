import { currentHost, pidAlive } from '../lock/whoami.js';
import type { AuditRecord, StartedRecord } from './types.js';

/**
 * Runs that started and never finished, and that no later run has
 * acknowledged: an apply killed mid-wave. One still running (same host, pid
 * alive) is not interrupted, so a parallel apply on another target is never
 * mistaken for a crash. Linear in the log.
 */
export function findInterrupted(records: readonly AuditRecord[], host: string = currentHost(), alive: (pid: number) => boolean = pidAlive): StartedRecord[] {
  const finished = new Set<string>();
  const acknowledged = new Set<string>();
  for (const r of records) {
    if (r.event === 'apply.finished' || r.event === 'restore.finished') finished.add(r.run);
    else if (r.event === 'apply.started' || r.event === 'restore.started') for (const a of r.acknowledges ?? []) acknowledged.add(a);
  }
  return records.filter(
    (r): r is StartedRecord =>
      (r.event === 'apply.started' || r.event === 'restore.started') && !finished.has(r.run) && !acknowledged.has(r.run) && !(r.host === host && alive(r.pid)),
  );
}
