import type { AuditLog, FinishedRecord, StartedRecord } from '../audit/types.js';
import type { LikelyChange } from '../incidents/types.js';

/** Results of a change that mean it was written (or tried to be). */
const TOUCHED = new Set(['applied', 'failed', 'unhealthy']);

/**
 * The change finder the correlator asks when an incident opens (or its cause
 * changes): the most recent apply run, finished within `lookbackMs` before
 * the incident began (or while it was beginning: up to `graceMs` after),
 * that touched one of the incident's CIs or a CI upstream of its cause. It
 * names the run, its revision and plan hash, the changes that touched those
 * CIs, the backup taken before the earliest of their waves, and the exact
 * command that restores those CIs from it:
 * `plumb restore <backup> <ref>...`.
 *
 * Restores are runs too: a restore is never offered as a trigger, and a run
 * whose changes were already restored since (a later `restore.finished` from
 * its backup) is not offered again. The audit log is read on each call (it
 * is appended to by other processes).
 */
export function auditChangeFinder(audit: AuditLog, options: { lookbackMs: number; graceMs?: number }) {
  return async (q: { readonly cis: ReadonlySet<string>; readonly began: string }): Promise<LikelyChange | undefined> => {
    const records = await audit.read();
    const began = Date.parse(q.began);
    const started = new Map<string, StartedRecord>();
    const restoredBackups = new Map<string, number>(); // backup → last restore time
    for (const r of records) {
      if (r.event === 'apply.started' || r.event === 'restore.started') started.set(r.run, r);
    }
    for (const r of records) {
      if (r.event !== 'restore.finished') continue;
      const s = started.get(r.run);
      if (s?.backup && r.outcome === 'succeeded') restoredBackups.set(s.backup, Math.max(restoredBackups.get(s.backup) ?? 0, Date.parse(r.time)));
    }
    let best: { record: FinishedRecord; at: number } | undefined;
    for (const r of records) {
      if (r.event !== 'apply.finished') continue;
      const at = Date.parse(r.time);
      if (!(at >= began - options.lookbackMs && at <= began + (options.graceMs ?? 60_000))) continue;
      if (!r.changes.some((c) => TOUCHED.has(c.result) && q.cis.has(c.id))) continue;
      if (!best || at > best.at) best = { record: r, at };
    }
    if (!best) return undefined;
    const r = best.record;
    const s = started.get(r.run);
    const changes = r.changes.filter((c) => TOUCHED.has(c.result) && q.cis.has(c.id)).map(({ id, action, wave, target }) => ({ id, action, wave, target }));
    const firstWave = Math.min(...changes.map((c) => c.wave));
    const backup = r.waveBackups?.find((w) => w.wave === firstWave)?.backup ?? (r.backups.length === 1 ? r.backups[0] : undefined);
    const restoredAt = backup ? restoredBackups.get(backup) : undefined;
    if (restoredAt !== undefined && restoredAt >= best.at) return undefined;
    const inWave = changes.filter((c) => c.wave === firstWave && c.action !== 'create');
    return {
      run: r.run,
      time: r.time,
      user: r.user,
      revision: s && 'revision' in s ? s.revision : null,
      planHash: s && 'planHash' in s ? s.planHash : null,
      outcome: r.outcome,
      changes,
      ...(backup ? { backup } : {}),
      ...(backup && inWave.length ? { restore: `plumb restore ${backup} ${inWave.map((c) => c.id).join(' ')}` } : {}),
    };
  };
}
