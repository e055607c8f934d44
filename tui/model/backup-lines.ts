import type { BackupManifest, ChangeOutcome } from '../../engine/index.js';
import type { BackupsState } from '../hooks/use-backups.js';
import type { Line } from './detail-lines.js';
import { cut, wrap } from './fit.js';

/** The backups list (newest first), one line each, with the cursor. Manifests only: never a value. */
export function backupListLines(list: readonly BackupManifest[], cursor: number, width: number): Line[] {
  if (list.length === 0) return [{ text: 'no backups yet (apply takes one before each wave)', tone: 'dim' }];
  return list.map((m, i) => ({
    text: cut(`${i === cursor ? '▸' : ' '} ${m.id}  ${why(m)}  ${m.cis.length} CI${m.cis.length === 1 ? '' : 's'}`, width),
    ...(i === cursor ? { bold: true } : {}),
  }));
}

/** One backup inspected, and the dry run or restore of it when there is one. */
export function backupDetailLines(m: BackupManifest, restore: BackupsState['job'], width: number): Line[] {
  const out: Line[] = [];
  const push = (text: string, tone?: Line['tone'], bold?: boolean) => {
    for (const part of wrap(text, width)) out.push({ text: part, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) });
  };
  push(m.id, 'accent', true);
  push(`${m.time} · ${why(m)} · revision ${m.revision ?? 'unknown'}`);
  for (const a of m.artifacts)
    push(`  ${a.exists ? 'holds' : 'absent'} ${a.ci} [${a.target}] ${a.size} B sha256 ${a.sha256.slice(0, 12)}`, a.exists ? undefined : 'dim');
  out.push({ text: '' });
  if (!restore || restore.backup !== m.id) push('d: dry-run restore (changes nothing)', 'accent');
  else if (restore.phase === 'dry-running') push('dry run…', 'accent');
  else if (restore.phase === 'restoring') push('restoring…', 'accent');
  else if (restore.report) {
    const r = restore.report;
    push(r.dryRun ? 'dry run: nothing was changed; a restore would:' : `restore ${r.outcome}`, r.outcome === 'succeeded' ? 'ok' : 'error', true);
    for (const c of r.changes) push(...restoreChangeLine(c));
    if (r.preRestoreBackup) push(`the state before the restore is in backup ${r.preRestoreBackup}`, 'dim');
    if (r.dryRun && r.outcome === 'succeeded') push('y: restore for real · esc: back', 'warn', true);
  }
  return out;
}

function why(m: BackupManifest): string {
  return m.reason === 'apply' ? `apply wave ${m.wave ?? '?'}` : m.reason;
}

/**
 * One CI of a restore or its dry run: what was (or would be) written, what
 * already equals the backup and is left alone (`unchanged`), what failed and why.
 */
export function restoreChangeLine(c: ChangeOutcome): [string, Line['tone']] {
  const what = `  wave ${c.wave}: ${c.action === 'delete' ? 'delete' : 'restore'} ${c.id}`;
  if (c.result === 'applied' || c.result === 'would-apply') return [what, undefined];
  if (c.result === 'unchanged') return [`  wave ${c.wave}: ${c.id} unchanged (already as backed up)`, 'dim'];
  if (c.result === 'failed' || c.result === 'unhealthy') return [`${what} — ${c.result}: ${c.message ?? ''}`, 'error'];
  return [`${what} — ${c.result}${c.message ? `: ${c.message}` : ''}`, 'warn'];
}
