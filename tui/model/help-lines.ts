import type { Line } from './detail-lines.js';
import { wrap } from './fit.js';

const SECTIONS: readonly (readonly [string, readonly string[]])[] = [
  [
    'everywhere',
    [
      'jk/↑↓ move · pgup/pgdn · g/G first/last · enter/tab detail pane · esc back',
      ': command: :ci every CI · :plan changes · :backups · :incidents · :quit (tab)',
      '/ filter, words ANDed: kind:database ns:shop state:unchanged -l app=web !word',
      '? this help · q quit',
    ],
  ],
  [
    'plan and ci',
    [
      'y      YAML, desired and observed    i  impact explorer    r  plan again',
      'space  select a change for apply     a  apply selection (or change at ▸)',
      's/S    sort CIs: id, kind, state, impact / reverse    b backups ! incidents',
    ],
  ],
  ['impact explorer', ["enter/→ expand · ← collapse · d what if it goes down? · c the change's impact"]],
  ['apply', ['y/enter confirm · n/esc cancel · after a failure: y roll back, n keep as is']],
  ['backups, incidents', ['enter inspect · d dry-run restore · y restore (after the dry run) · r reload']],
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
