/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type { Diagnostic } from '../../engine/index.js';
import type { Line } from '../model/detail-lines.js';
import { cut } from '../model/fit.js';
import type { PlanRow } from '../model/plan-rows.js';
import { ChangeList } from './ChangeList.js';
import { Lines } from './Lines.js';
import { SplitPanes } from './SplitPanes.js';

export interface PlanViewProps {
  /** False before the first plan, or when the input is invalid (then `diagnostics` say why). */
  readonly planned: boolean;
  readonly loading: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly rows: readonly PlanRow[];
  readonly filter: string;
  readonly cursor: number;
  readonly offset: number;
  readonly selected: ReadonlySet<string>;
  readonly focus: 'list' | 'detail';
  readonly details: readonly Line[];
  readonly detailOffset: number;
  readonly width: number;
  readonly height: number;
  readonly listWidth: number;
  /** The list pane's title (what it lists, how many). */
  readonly title: string;
  /** The detail pane's title (whose detail, scroll position). */
  readonly detailTitle: string;
}

/** The plan view's body: the change list, a rule, the detail pane — or why there is no plan. */
export function PlanView(p: PlanViewProps) {
  if (!p.planned) return <Lines lines={problemLines(p)} width={p.width} height={p.height} />;
  if (p.rows.length === 0) {
    const text = p.filter ? `no change matches "${p.filter}"` : 'no changes: the actual state matches the desired state';
    return <Lines lines={[{ text, tone: 'ok' }]} width={p.width} height={p.height} />;
  }
  return (
    <SplitPanes
      {...p}
      list={(h) => (
        <ChangeList rows={p.rows} cursor={p.cursor} offset={p.offset} height={h} width={p.listWidth} selected={p.selected} focused={p.focus === 'list'} />
      )}
    />
  );
}

function problemLines(p: PlanViewProps): Line[] {
  if (p.loading) return [{ text: 'discovering the actual state…', tone: 'dim' }];
  const out: Line[] = [{ text: 'no plan: fix these and the view re-plans (r)', tone: 'error', bold: true }];
  for (const d of p.diagnostics.filter((x) => x.severity === 'error').slice(0, p.height - 2)) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
    out.push({ text: cut(`${where}${d.message} [${d.code}]`, p.width), tone: 'error' });
  }
  return out;
}
