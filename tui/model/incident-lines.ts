import type { CorrelatedIncident } from '../../engine/index.js';
import type { Line } from './detail-lines.js';
import { cut, wrap } from './fit.js';

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
export function incidentDetailLines(i: CorrelatedIncident, width: number): Line[] {
  const out: Line[] = [];
  const push = (text: string, tone?: Line['tone'], bold?: boolean) => {
    for (const part of wrap(text, width)) out.push({ text: part, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) });
  };
  push(`${causeText(i)} — ${i.status}`, i.status === 'open' ? 'error' : 'ok', true);
  push(`first seen ${i.firstSeen}${i.resolvedAt ? ` · resolved ${i.resolvedAt}` : ''} · #${i.revision} · ${i.dedupeKey.slice(0, 12)}${i.reopened ? ` · reopened ${i.reopened}×` : ''}`, 'dim');
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
  }
  return out;
}

function causeText(i: CorrelatedIncident): string {
  const causes = i.cause.map((c) => c.id).join(' + ');
  const own = i.cause[0]?.conditions[0];
  if (i.failure !== 'down') return `${causes} ${i.failure} (${own?.detail ?? ''})`;
  return `${causes} ${i.cause.length > 1 ? 'are' : 'is'} down (${own ? own.detail : 'inferred'})`;
}
