/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, Text } from 'ink';
import type { CIRow, Sort } from '../model/ci-rows.js';
import { fit, fitLeft } from '../model/fit.js';
import type { CIState } from '../model/query.js';
import { useTone, type Tone } from '../theme.js';

export interface CIListProps {
  readonly rows: readonly CIRow[];
  readonly cursor: number;
  readonly offset: number;
  /** Rows of CIs (the column header is drawn above them). */
  readonly height: number;
  readonly width: number;
  readonly selected: ReadonlySet<string>;
  readonly focused: boolean;
  readonly sort: Sort;
}

/** One character per state, as the header's summary counts them (`+1 ~2 -1 =2 ?0`). */
export const STATE_SYMBOL: Readonly<Record<CIState, string>> = { create: '+', update: '~', replace: '±', delete: '-', unchanged: '=', unmanaged: '?' };
const STATE_TONE: Readonly<Record<CIState, Tone>> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  delete: 'delete',
  unchanged: 'noop',
  unmanaged: 'dim',
};
const LEVEL = { low: 'low', medium: 'med', high: 'high', critical: 'crit' } as const;

/**
 * The CI browser's table (k9s style): a column header that marks the sort,
 * then one row per CI — state, identity (cut from the left so the name
 * stays), risk of its change, worst policy state. The state's word is a
 * column of its own when the pane is wide enough (56 columns). Virtualised
 * as the change list is.
 */
export function CIList({ rows, cursor, offset, height, width, selected, focused, sort }: CIListProps) {
  const tone = useTone();
  const wide = width >= 56;
  const stateWidth = wide ? 10 : 0;
  const idWidth = Math.max(8, width - 4 - stateWidth - 6 - 9);
  const arrow = (key: Sort['key']) => (sort.key === key ? (sort.reverse !== (key === 'impact') ? '↓' : '↑') : '');
  const header = `    ${wide ? fit(`STATE${arrow('state')}`, stateWidth) : ''}${fit(`ID${arrow('id')}${sort.key === 'kind' ? ` (by kind${arrow('kind')})` : ''}`, idWidth)} ${fit(`RISK${arrow('impact')}`, 5)} ${fit('POLICY', 8)}`;
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Text bold>{fit(header, width)}</Text>
      {Array.from({ length: height }, (_, i) => {
        const index = offset + i;
        const row = rows[index];
        if (!row) return <Text key={`blank-${i}`}> </Text>;
        const here = index === cursor;
        const impact = row.change?.impact;
        const level = impact && row.state !== 'unchanged' ? LEVEL[impact.risk.level] : '-';
        return (
          <Box key={row.key}>
            <Text inverse={here && focused} bold={here}>
              {here ? '▸' : ' '}
              {selected.has(row.id) ? '●' : ' '}
            </Text>
            <Text color={tone(STATE_TONE[row.state])} inverse={here && focused}>
              {STATE_SYMBOL[row.state]} {wide ? fit(row.state, stateWidth) : ''}
            </Text>
            <Text inverse={here && focused}>{fitLeft(row.id, idWidth)}</Text>
            <Text color={tone(level === '-' ? 'dim' : (impact?.risk.level as Tone))}> {fit(level, 5)}</Text>
            <Text color={tone(row.policy)}> {fit(row.policy === 'ok' ? '·' : row.policy, 8)}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
