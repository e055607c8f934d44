/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Line } from '../model/detail-lines.js';
import { Lines } from './Lines.js';
import { PaneTitle } from './PaneTitle.js';

export interface SplitPanesProps {
  readonly width: number;
  readonly height: number;
  readonly listWidth: number;
  /** The list pane's title (what it lists, how many). */
  readonly title: string;
  /** The detail pane's title (whose detail, scroll position). */
  readonly detailTitle: string;
  readonly focus: 'list' | 'detail';
  /** The list pane's body, given the rows it has (the height under the title bars). */
  readonly list: (height: number) => ReactNode;
  readonly details: readonly Line[];
  readonly detailOffset: number;
}

/** The two-pane layout of the plan view and the CI browser: title bars (the focused one heavy), the list, a rule, the detail pane. */
export function SplitPanes(p: SplitPanesProps) {
  const detailWidth = Math.max(10, p.width - p.listWidth - 1);
  const h = p.height - 1;
  return (
    <Box flexDirection="column" height={p.height}>
      <Box>
        <PaneTitle text={p.title} width={p.listWidth} focused={p.focus === 'list'} />
        <Text> </Text>
        <PaneTitle text={p.detailTitle} width={detailWidth} focused={p.focus === 'detail'} />
      </Box>
      <Box height={h}>
        {p.list(h)}
        <Rule height={h} focused={p.focus === 'detail'} />
        <Lines lines={p.details} width={detailWidth} height={h} offset={p.detailOffset} />
      </Box>
    </Box>
  );
}

/** The rule between two panes: heavy beside the focused detail pane. */
export function Rule({ height, focused }: { readonly height: number; readonly focused: boolean }) {
  return (
    <Box flexDirection="column" width={1}>
      {Array.from({ length: height }, (_, i) => (
        <Text key={i} dimColor={!focused} bold={focused}>
          {focused ? '┃' : '│'}
        </Text>
      ))}
    </Box>
  );
}
