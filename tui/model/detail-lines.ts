import type { PlannedChange, PolicyResult } from '../../engine/index.js';
import type { Tone } from '../theme.js';
import { wrap } from './fit.js';
import { stateOf } from './policy-state.js';

export interface Line {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
}

/**
 * The detail pane's content for one change, as lines `width` wide: where it
 * is, the policies that apply with their messages, the diff, then its
 * impact. The diff is the plan's, which the engine has already redacted — the
 * TUI never sees a secret value to hide.
 */
export function detailLines(change: PlannedChange, policies: readonly PolicyResult[], width: number): Line[] {
  const lines: Line[] = [];
  const push = (text: string, tone?: Tone, bold?: boolean) => {
    for (const part of wrap(text, width)) lines.push({ text: part, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) });
  };
  push(change.id, change.action, true);
  push(`${change.action} · wave ${change.wave} · ${change.provider} → ${change.target}`);
  if (change.file) push(`${change.file}${change.line ? `:${change.line}` : ''}`, 'dim');
  lines.push({ text: '' });
  push(`policies (${policies.length})`, undefined, true);
  if (policies.length === 0) push('  none apply', 'dim');
  for (const r of policies) {
    const state = stateOf(r);
    push(`  ${state} ${r.policy} [${r.severity}]${r.exception ? ` excepted by ${r.exception}` : ''}`, state);
    for (const part of wrap(r.message, Math.max(1, width - 4))) lines.push({ text: `    ${part}` });
  }
  lines.push({ text: '' });
  push('diff', undefined, true);
  for (const raw of change.diff.split('\n')) {
    if (raw === '' || raw.startsWith('---') || raw.startsWith('+++')) continue;
    const tone: Tone | undefined = raw.startsWith('@@') ? 'hunk' : raw.startsWith('+') ? 'added' : raw.startsWith('-') ? 'removed' : undefined;
    lines.push({ text: raw, ...(tone ? { tone } : {}) });
  }
  if (!change.diff) push('  (no diff)', 'dim');
  lines.push({ text: '' });
  const impact = change.impact;
  if (impact) {
    push(`impact: risk ${impact.risk.level} (${impact.risk.score}) · ${impact.affected.length} affected`, impact.risk.level, true);
    for (const bs of impact.businessServices) push(`  ${bs.id} ${bs.state} (${bs.criticality})`, bs.state);
    for (const a of impact.affected.slice(0, 5)) push(`  ${a.id} ${a.state}${a.wouldBe ? ` → ${a.wouldBe}` : ''}`, a.wouldBe ?? a.state);
    if (impact.affected.length > 5) push(`  … ${impact.affected.length - 5} more (i: explore)`, 'dim');
  } else push('impact: none computed', 'dim');
  return lines;
}

/**
 * The detail pane for one CI of the browser: a change's detail as above;
 * for an unchanged CI where it is declared and that it matches; for an
 * unmanaged object that plumb leaves it alone. The YAML view (`y`) shows
 * either's documents.
 */
export function ciDetailLines(
  row: {
    readonly id: string;
    readonly state: string;
    readonly target: string;
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly change?: PlannedChange;
  },
  policies: readonly PolicyResult[],
  width: number,
): Line[] {
  if (row.change && row.change.action !== 'noop') return detailLines(row.change, policies, width);
  const lines: Line[] = [];
  const push = (text: string, tone?: Tone, bold?: boolean) => {
    for (const part of wrap(text, width)) lines.push({ text: part, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) });
  };
  push(row.id, row.state === 'unmanaged' ? 'dim' : 'noop', true);
  push(`kind ${row.kind} · namespace ${row.namespace || '-'} · name ${row.name}`);
  if (row.change) {
    push(`unchanged · ${row.change.provider} → ${row.target}`);
    if (row.change.file) push(`${row.change.file}${row.change.line ? `:${row.change.line}` : ''}`, 'dim');
    lines.push({ text: '' });
    push('the target matches Git for every field Git declares', 'ok');
  } else {
    push(`unmanaged · observed on target ${row.target}`);
    lines.push({ text: '' });
    push('not in Git and not created by this inventory: plumb never changes or deletes it', 'dim');
  }
  lines.push({ text: '' });
  push('y: YAML of desired and observed', 'accent');
  return lines;
}
