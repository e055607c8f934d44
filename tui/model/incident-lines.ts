import type { CorrelatedIncident, RestoreReport } from '../../engine/index.js';
import type { Line } from './detail-lines.js';
import { cut, wrap } from './fit.js';
import { restoreChangeLine } from './backup-lines.js';

/** The restore an incident suggests, rehearsed (dry run) before it is run for real. */
export interface IncidentRestore {
  readonly incident: string;
  readonly phase: 'dry-running' | 'rehearsed' | 'restoring' | 'done' | 'failed';
  readonly report?: RestoreReport;
  readonly error?: string;
}

/** The incidents list, one line each (open first), with the cursor: state, cause, severity, services hit. */
export function incidentListLines(list: readonly CorrelatedIncident[], cursor: number, width: number): Line[] {
  if (list.length === 0) return [{ text: 'no incidents open or resolved in the last 24 hours (the controller records them)', tone: 'dim' }];
  return list.map((i, n) => {
    const open = i.status === 'open';
    const services = i.businessServices.filter((s) => s.state === 'down' || s.state === 'degraded').length;
    const text = `${n === cursor ? '▸' : ' '} ${open ? 'OPEN    ' : 'resolved'} ${causeText(i)}  ${i.severity} · ${i.symptoms.length} symptom${i.symptoms.length === 1 ? '' : 's'} · ${services} service${services === 1 ? '' : 's'} hit${i.change ? ' · change' : ''}`;
    return { text: cut(text, width), ...(open ? { tone: 'error' as const } : { tone: 'dim' as const }), ...(n === cursor ? { bold: true } : {}) };
  });
}

/** One incident inspected: cause, symptoms with the path explaining each, services, likely change and the restore that undoes it. */
export function incidentDetailLines(i: CorrelatedIncident, width: number, job?: IncidentRestore): Line[] {
  const out: Line[] = [];
  const push = (text: string, tone?: Line['tone'], bold?: boolean) => {
    for (const part of wrap(text, width)) out.push({ text: part, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) });
  };
  push(`${causeText(i)} — ${i.status}`, i.status === 'open' ? 'error' : 'ok', true);
  push(
    `first seen ${i.firstSeen}${i.resolvedAt ? ` · resolved ${i.resolvedAt}` : ''} · #${i.revision} · ${i.dedupeKey.slice(0, 12)}${i.reopened ? ` · reopened ${i.reopened}×` : ''}`,
    'dim',
  );
  push(`risk ${i.risk.level} (${i.risk.score})`);
  for (const s of i.businessServices) push(`  ${s.state.padEnd(9)} ${s.id} (${s.criticality})`, s.state === 'down' ? 'error' : 'warn');
  if (i.symptoms.length) push('symptoms', undefined, true);
  for (const s of i.symptoms) {
    const steps: string[] = [];
    for (let k = s.path.length - 1; k >= 1; k--) steps.push(`← ${s.path[k].via} ${s.path[k - 1].ci}`);
    push(`  ${s.ci.id}: ${s.conditions.map((c) => c.detail).join('; ')}`);
    if (steps.length) push(`    ${steps.join(' ')}`, 'dim');
  }
  for (const r of i.related) push(`  related: ${r.ci} ${r.kind} (${r.detail})`, 'warn');
  if (i.alternatives.length) push(`other candidates: ${i.alternatives.map((a) => a.cause.join(' + ')).join(', ')}`, 'dim');
  if (i.change) {
    push(`likely change: run ${i.change.run} by ${i.change.user} at ${i.change.time}`, 'warn', true);
    for (const c of i.change.changes) push(`  wave ${c.wave}: ${c.action} ${c.id} [${c.target}]`);
    if (i.change.restore) push(`to undo: ${i.change.restore}`, 'accent', true);
    if (i.change.restore && i.change.backup) {
      if (!job) push('d: dry-run that restore (changes nothing)', 'accent');
      else if (job.phase === 'dry-running') push('dry run…', 'accent');
      else if (job.phase === 'restoring') push('restoring…', 'accent');
      else if (job.phase === 'failed') push(`error: ${job.error}`, 'error');
      else if (job.report) {
        const r = job.report;
        push(r.dryRun ? 'dry run: nothing was changed; the restore would:' : `restore ${r.outcome}`, r.outcome === 'succeeded' ? 'ok' : 'error', true);
        for (const c of r.changes) push(...restoreChangeLine(c));
        if (r.dryRun && r.outcome === 'succeeded') push('y: restore for real · esc: back', 'warn', true);
      }
    }
  }
  return out;
}

function causeText(i: CorrelatedIncident): string {
  const causes = i.cause.map((c) => c.id).join(' + ');
  const own = i.cause[0]?.conditions[0];
  if (i.failure !== 'down') return `${causes} ${i.failure} (${own?.detail ?? ''})`;
  return `${causes} ${i.cause.length > 1 ? 'are' : 'is'} down (${own ? own.detail : 'inferred'})`;
}
