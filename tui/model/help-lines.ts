import type { Line } from './detail-lines.js';
import { wrap } from './fit.js';

const SECTIONS: readonly (readonly [string, readonly string[]])[] = [
  ['everywhere', ['↑/↓ or k/j move · pgup/pgdn page · g/G first/last · tab switch pane', 'esc back/close · ? this help · q quit']],
  [
    'plan',
    [
      'enter  detail pane of the change    /  filter: id, action, kind, risk, policy',
      'space  select a change for apply    a  apply the selection (or the change under the cursor)',
      'i      impact explorer              b  backups        r  refresh: plan again',
      '!      incidents: cause, symptoms, services, likely change, restore',
    ],
  ],
  ['impact explorer', ["enter/→ expand · ← collapse · d what if this goes down? (re-simulates) · c the change's own impact"]],
  ['apply', ['y/enter confirm · n/esc cancel · after a failure: y roll back, n keep as is']],
  ['backups', ['enter inspect · d dry-run restore · y restore (only after a dry run)']],
  ['incidents', ['enter inspect · d dry-run its restore · y restore (after a dry run) · r reload']],
];

/** The help overlay: every key, by view, wrapped to the width (fits 80×24). */
export function helpLines(width: number): Line[] {
  const out: Line[] = [{ text: 'plumb tui — keys', bold: true, tone: 'accent' }];
  for (const [title, items] of SECTIONS) {
    out.push({ text: title, bold: true });
    for (const item of items) for (const part of wrap(`  ${item}`, width)) out.push({ text: part });
  }
  return out;
}
