import type { Colors } from 'picocolors/types.js';
import { inert } from '../report/inert.js';
import type { ControllerStatusReport } from './read-status.js';

/**
 * `plumb status` as text, laid out as `argocd app get`: a block of `Name:
 * value` lines (source, revisions, sync and health, the last reconcile,
 * plan and apply, a refused revision, the failure), then the conditions and
 * the open incidents as tables. Revisions are shortened to 12 characters;
 * times are the status's own ISO 8601 strings. Pure: the report in, text out.
 */
export function renderStatusText(report: ControllerStatusReport, c: Colors): string {
  const s = report.status;
  const short = (r?: string) => (r ? r.slice(0, 12) : '—');
  const tone = (v: string) =>
    v === 'Synced' || v === 'Healthy' || v === 'True'
      ? c.green(v)
      : v === 'OutOfSync' || v === 'Progressing'
        ? c.yellow(v)
        : v === 'Degraded' || v === 'False'
          ? c.red(v)
          : v;
  const rows: [string, string][] = [
    ['Source', inert(s.source)],
    ['Read from', report.from],
    ['Identity', `${inert(s.identity)}${s.leader === undefined ? '' : s.leader ? ' (leader)' : ' (standing by)'}`],
    ['Sync Status', `${tone(report.sync)}${report.sync === 'Synced' && s.lastAppliedRevision ? ` to ${short(s.lastAppliedRevision)}` : ''}`],
    ['Health Status', tone(report.health)],
    ['Revision', `${short(s.revision)} (newest fetched)`],
    ['Last applied', `${short(s.lastAppliedRevision)}`],
    ['Last reconcile', s.lastReconcileTime ?? '—'],
  ];
  if (s.refusedRevision)
    rows.push(['Refused revision', `${short(s.refusedRevision.revision)} ${c.red(s.refusedRevision.reason)}: ${inert(s.refusedRevision.message)}`]);
  if (s.plan) {
    const p = s.plan;
    const n = p.summary;
    const parts = [`${n.create} to create`, `${n.update} to update`, ...(n.replace ? [`${n.replace} to replace`] : []), `${n.delete} to delete`];
    rows.push([
      'Plan',
      `${parts.join(', ')}; ${p.applied} applied, ${p.held.length} held${p.drift.length ? `, ${p.drift.length} drifted` : ''}${p.denied ? `, ${c.red('denied')}` : ''} (revision ${short(p.revision)}, plan ${p.hash.slice(0, 12)})`,
    ]);
    for (const h of p.held.slice(0, 10)) rows.push(['  held', `${inert(h.id)} ${h.action} (${h.reason})`]);
    if (p.held.length > 10) rows.push(['  held', `… and ${p.held.length - 10} more`]);
  }
  if (s.lastApply) {
    const a = s.lastApply;
    rows.push([
      'Last apply',
      `${a.outcome === 'succeeded' ? c.green(a.outcome) : c.red(a.outcome)} run ${a.run}${a.time ? ` at ${a.time}` : ''}${a.failed.length ? `; not applied: ${a.failed.slice(0, 5).map(inert).join(', ')}${a.failed.length > 5 ? ` (+${a.failed.length - 5})` : ''}` : ''}`,
    ]);
  } else rows.push(['Last apply', '—']);
  if (s.failure) {
    const f = s.failure;
    const retry = f.nextRetryInMs !== undefined ? `, retry in ${Math.round(f.nextRetryInMs / 1000)}s` : '';
    rows.push(['Failure', `${c.red(`${f.kind} ${f.reason}`)} (attempt ${f.attempt}${retry}): ${inert(f.message)}`]);
  }
  const open = s.incidents?.open ?? 0;
  rows.push(['Open incidents', s.incidents ? String(open) : '— (not reported)']);
  const width = Math.max(...rows.map(([k]) => k.length)) + 3;
  const out = rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`);

  out.push(
    '',
    ...table(
      ['CONDITION', 'STATUS', 'REASON', 'LAST TRANSITION', 'MESSAGE'],
      s.conditions.map((k) => [k.type, k.status, k.reason, k.lastTransitionTime, inert(k.message)]),
      (col, v) => (col === 1 ? tone(v) : v),
    ),
  );
  if (s.incidents && open > 0) {
    out.push(
      '',
      ...table(
        ['SEVERITY', 'CAUSE', 'SYMPTOMS', 'SERVICES', 'SINCE', 'UNDO'],
        s.incidents.items.map((i) => [
          i.severity,
          i.cause.map(inert).join(', '),
          String(i.symptoms),
          i.businessServices.map(inert).join(', ') || '—',
          i.firstSeen,
          i.restore ? inert(i.restore) : '—',
        ]),
        (col, v) => (col === 0 ? c.red(v) : v),
      ),
    );
  }
  return out.join('\n');
}

/** Left-aligned columns two spaces apart, kubectl's table style; `paint` colours a cell after padding is measured. */
function table(head: readonly string[], rows: readonly (readonly string[])[], paint: (col: number, value: string) => string): string[] {
  if (rows.length === 0) return [head.join('  '), '(none)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[], colour: boolean) =>
    r
      .map((v, i) => {
        const padded = i === r.length - 1 ? v : v.padEnd(widths[i]!);
        return colour ? paint(i, v) + padded.slice(v.length) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(head, false), ...rows.map((r) => line(r, true))];
}
