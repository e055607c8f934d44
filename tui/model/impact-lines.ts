import type { ImpactSummary } from '../../engine/index.js';
import type { Tone } from '../theme.js';
import type { Line } from './detail-lines.js';
import { cut } from './fit.js';
import type { TreeRow } from './impact-tree.js';

/** The impact explorer's heading: whose blast radius, under which event, and what it reaches. */
export function impactHeading(root: string, summary: ImpactSummary | undefined, width: number): Line[] {
  if (!summary) return [{ text: cut(`impact of ${root}: not computed (d: what if it goes down?)`, width), bold: true }];
  const event = summary.event === 'down' ? 'if it goes down' : summary.event === 'delete' ? 'if deleted' : 'if the change fails';
  const bs = summary.businessServices.map((b) => `${b.id.split('/').pop()} ${b.state}`).join(', ');
  return [
    { text: cut(`impact of ${root} ${event}`, width), bold: true, tone: 'accent' },
    {
      text: cut(`risk ${summary.risk.level} (${summary.risk.score}) · ${summary.affected.length} affected${bs ? ` · business: ${bs}` : ''}`, width),
      tone: summary.risk.level,
    },
  ];
}

/** Tree rows with their state; the cursor row is marked. */
export function treeLines(rows: readonly TreeRow[], cursor: number, width: number): Line[] {
  return rows.map((r, i) => {
    const mark = i === cursor ? '▸' : ' ';
    const twisty = r.cycle ? '↺' : r.expandable ? (r.expanded ? '-' : '+') : ' ';
    const indent = '  '.repeat(r.depth);
    const rel = r.relation ? ` (${r.relation})` : '';
    const state = r.state ? ` ${r.state}${r.wouldBe ? ` → ${r.wouldBe}` : ''}` : r.id ? ' operational' : '';
    const tone: Tone | undefined = r.wouldBe ?? r.state;
    return {
      text: cut(`${mark}${indent}${twisty} ${r.label}${rel}${state}`, width),
      ...(tone ? { tone } : {}),
      ...(i === cursor || r.depth === 0 ? { bold: true } : {}),
    };
  });
}
