import { rollbackTarget, type ApplyRun, type ChangeStatus } from '../hooks/use-apply.js';
import { blockingDenials } from './apply-selection.js';
import type { Line } from './detail-lines.js';
import { wrap } from './fit.js';
import type { Tone } from '../theme.js';

const ICON: Readonly<Record<ChangeStatus, [string, Tone | undefined]>> = {
  pending: ['·', 'dim'],
  running: ['…', 'accent'],
  applied: ['✓', 'ok'],
  failed: ['✗', 'error'],
  unhealthy: ['✗', 'error'],
  skipped: ['-', 'warn'],
  'not-attempted': ['○', 'dim'],
  unchanged: ['=', 'dim'],
  'would-apply': ['~', 'accent'],
};

/**
 * What the apply view shows in each phase: the confirm dialog (changes by
 * wave, what was pulled in, what will be backed up), the denial that blocks,
 * per-change progress with health, and the rollback choice and its result.
 */
export function applyLines(run: ApplyRun, width: number): Line[] {
  const out: Line[] = [];
  const push = (text: string, tone?: Tone, bold?: boolean) => {
    for (const part of wrap(text, width)) out.push({ text: part, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) });
  };
  const sel = run.selection;
  const pulled = new Set(sel.pulledIn);
  const picked = sel.changes.length - sel.pulledIn.length;
  const titles: Record<ApplyRun['phase'], string> = {
    confirm: `apply ${sel.changes.length} change${sel.changes.length === 1 ? '' : 's'}?${sel.pulledIn.length ? ` (${picked} selected + ${sel.pulledIn.length} pulled in as dependencies)` : ''}`,
    blocked: 'apply blocked by policy',
    running: `applying… wave ${run.wave ?? '-'}`,
    failed: 'apply failed',
    'rolling-back': 'rolling back…',
    done: 'apply finished',
  };
  push(titles[run.phase], run.phase === 'blocked' || run.phase === 'failed' ? 'error' : 'accent', true);
  if (run.phase === 'blocked') {
    for (const r of blockingDenials(sel)) push(`  ${r.policy}${r.ci ? ` on ${r.ci}` : ''}: ${r.message}`, 'deny');
    push('fix the change or add a PolicyException; deselect it to apply the others (esc)', 'dim');
    out.push({ text: '' });
  }
  if (run.phase === 'confirm' || run.phase === 'blocked') pulledInLines(sel, push);
  let wave: number | undefined;
  for (const c of sel.changes) {
    if (c.wave !== wave) {
      wave = c.wave;
      const backup = run.backups.find((b) => b.wave === wave);
      push(`wave ${wave}${backup ? ` · backup ${backup.id} (${backup.count})` : ''}`, undefined, true);
    }
    const s = run.status.get(c.id) ?? { status: 'pending' as const };
    const [icon, tone] = ICON[s.status];
    const notes = [pulled.has(c.id) ? 'dependency' : '', s.status !== 'pending' && s.status !== 'applied' ? s.status : '', s.message ?? '']
      .filter(Boolean)
      .join(' · ');
    push(`  ${icon} ${c.action} ${c.id}${notes ? ` — ${notes}` : ''}`, tone);
  }
  if (run.phase === 'confirm') {
    out.push({ text: '' });
    push(sel.backups.length ? `backs up first: ${sel.backups.join(', ')}` : 'backs up first: nothing (only creates)', 'dim');
    if (sel.changes.some((c) => c.action === 'delete')) push('deletes are applied (you selected them)', 'warn');
    push('y/enter apply · n/esc cancel', 'accent', true);
  }
  const failing = run.health.filter((h) => !h.healthy);
  if (run.health.length)
    push(
      failing.length ? `health: ${failing.length} unhealthy of ${run.health.length}` : `health: ${run.health.length} healthy`,
      failing.length ? 'error' : 'ok',
    );
  for (const h of failing) push(`  ✗ ${h.id}: ${h.message ?? 'unhealthy'}`, 'error');
  if (run.report) {
    const r = run.report;
    push(`outcome: ${r.outcome}${r.failedWave !== undefined ? ` in wave ${r.failedWave}` : ''}`, r.outcome === 'succeeded' ? 'ok' : 'error', true);
  }
  if (run.phase === 'failed' && run.report) {
    const t = rollbackTarget(run, run.report);
    if (t) push(`roll back wave ${t.wave} from backup ${t.backup} (${t.ids.join(', ')})? y roll back · n keep as is`, 'warn', true);
  }
  if (run.rollback) {
    const ok = run.rollback.outcome === 'succeeded';
    const ids = (result: string) => run.rollback!.changes.filter((c) => c.result === result).map((c) => c.id);
    const restored = ids('applied');
    const unchanged = ids('unchanged');
    const parts = [
      restored.length ? `${restored.join(', ')} restored` : '',
      unchanged.length ? `${unchanged.join(', ')} unchanged (already as backed up)` : '',
    ];
    push(`rollback ${ok ? 'succeeded' : 'failed'}: ${parts.filter(Boolean).join('; ') || 'nothing restored'}`, ok ? 'ok' : 'error', true);
    if (run.rollback.preRestoreBackup) push(`the state before the rollback is in backup ${run.rollback.preRestoreBackup}`, 'dim');
  }
  if (run.error) {
    push(`error: ${run.error.message}`, 'error', true);
    if (run.error.hint) push(`hint: ${run.error.hint}`, 'dim');
  }
  if (run.phase === 'done') push('enter/esc close (re-plans)', 'accent');
  return out;
}

const RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * The dependencies a selection pulls in, before anything runs: each with
 * its action, its own impact (risk, what it reaches, the business services
 * it puts at risk) and which selected change needs it — and a warning when
 * they carry more risk than what was selected (a ConfigMap change that
 * would bring a cluster upgrade along).
 */
function pulledInLines(sel: ApplyRun['selection'], push: (text: string, tone?: Tone, bold?: boolean) => void): void {
  if (sel.pulledIn.length === 0) return;
  const byId = new Map(sel.changes.map((c) => [c.id, c]));
  const pulled = new Set(sel.pulledIn);
  push(`pulled in as dependencies (${sel.pulledIn.length}), applied first:`, 'warn', true);
  for (const id of sel.pulledIn) {
    const c = byId.get(id);
    if (!c) continue;
    const i = c.impact;
    const services = i?.businessServices.filter((b) => b.state !== 'operational').map((b) => `${b.id} ${b.state}`) ?? [];
    const risk = i
      ? `risk ${i.risk.level} (${i.risk.score}) · ${i.affected.length} affected${services.length ? ` · ${services.join(', ')}` : ''}`
      : 'impact not computed';
    push(`  ${c.action} ${id} — ${risk} — needed by ${sel.neededBy.get(id) ?? 'the selection'}`, i ? i.risk.level : 'warn');
  }
  const worst = (ids: Iterable<string>) => {
    let out: keyof typeof RANK | undefined;
    for (const id of ids) {
      const level = byId.get(id)?.impact?.risk.level;
      if (level && (out === undefined || RANK[level] > RANK[out])) out = level;
    }
    return out;
  };
  const chosen = worst(sel.changes.map((c) => c.id).filter((id) => !pulled.has(id)));
  const dependencies = worst(sel.pulledIn);
  if (dependencies && (chosen === undefined || RANK[dependencies] > RANK[chosen]))
    push(`! the dependencies carry more risk (${dependencies}) than the selection (${chosen ?? 'none'}): check them before you confirm`, 'error', true);
  push('', undefined);
}
