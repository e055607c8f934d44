/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type { CIRow, Sort } from '../model/ci-rows.js';
import type { Line } from '../model/detail-lines.js';
import { CIList } from './CIList.js';
import { Lines } from './Lines.js';
import { SplitPanes } from './SplitPanes.js';

export interface CIViewProps {
  readonly rows: readonly CIRow[];
  /** The list pane's title: `cis(filter)[shown/total] · sort key↑`. */
  readonly title: string;
  readonly detailTitle: string;
  /** What the list says when no row is left. */
  readonly emptyText: string;
  readonly cursor: number;
  readonly offset: number;
  readonly selected: ReadonlySet<string>;
  readonly focus: 'list' | 'detail';
  readonly sort: Sort;
  readonly details: readonly Line[];
  readonly detailOffset: number;
  readonly width: number;
  readonly height: number;
  readonly listWidth: number;
}

/** The CI browser's body (`:ci`): the table of every CI, a rule, the detail pane; each pane under its title bar, the focused one heavy. */
export function CIView(p: CIViewProps) {
  return (
    <SplitPanes
      {...p}
      list={(h) =>
        p.rows.length === 0 ? (
          <Lines lines={[{ text: '' }, { text: p.emptyText, tone: 'dim' }]} width={p.listWidth} height={h} />
        ) : (
          <CIList
            rows={p.rows}
            cursor={p.cursor}
            offset={p.offset}
            height={h - 1}
            width={p.listWidth}
            selected={p.selected}
            focused={p.focus === 'list'}
            sort={p.sort}
          />
        )
      }
    />
  );
}
