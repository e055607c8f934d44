/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, Text } from 'ink';
import type { PlanRow } from '../model/plan-rows.js';
import { fit, fitLeft } from '../model/fit.js';
import { useTone, type Tone } from '../theme.js';

export interface ChangeListProps {
  readonly rows: readonly PlanRow[];
  readonly cursor: number;
  readonly offset: number;
  readonly height: number;
  readonly width: number;
  readonly selected: ReadonlySet<string>;
  readonly focused: boolean;
}

const SYMBOL = { create: '+', update: '~', replace: '±', delete: '-', noop: '=' } as const;
const LEVEL = { low: 'low', medium: 'med', high: 'high', critical: 'crit' } as const;

/**
 * The plan as rows grouped by wave. Virtualised: only `height` rows from
 * `offset` are drawn, so 10,000 changes cost what 20 do. Identities are cut
 * from the left, so the name stays visible in a narrow terminal.
 */
export function ChangeList({ rows, cursor, offset, height, width, selected, focused }: ChangeListProps) {
  const tone = useTone();
  // marker 2 + symbol 2 + id + level 5 + policy 9 = width
  const idWidth = Math.max(8, width - 18);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {Array.from({ length: height }, (_, i) => {
        const index = offset + i;
        const row = rows[index];
        if (!row) return <Text key={`blank-${i}`}> </Text>;
        if (row.kind === 'wave') {
          return (
            <Text key={row.key} bold color={tone('accent')}>
              {fit(`── wave ${row.wave} (${row.count}) `.padEnd(width, '─'), width)}
            </Text>
          );
        }
        const c = row.change;
        const here = index === cursor;
        const level = c.impact ? LEVEL[c.impact.risk.level] : '-';
        return (
          <Box key={row.key}>
            <Text inverse={here && focused} bold={here}>
              {here ? '▸' : ' '}
              {selected.has(c.id) ? '●' : ' '}
            </Text>
            <Text color={tone(c.action)} inverse={here && focused}>
              {SYMBOL[c.action]}{' '}
            </Text>
            <Text inverse={here && focused}>{fitLeft(c.id, idWidth)}</Text>
            <Text color={tone(c.impact?.risk.level as Tone | undefined)}> {fit(level, 4)}</Text>
            <Text color={tone(row.policy)}> {fit(row.policy === 'ok' ? '·' : row.policy, 8)}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
