/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, Text } from 'ink';
import type { Line } from '../model/detail-lines.js';
import { cut } from '../model/fit.js';
import { useTone } from '../theme.js';

export interface LinesProps {
  readonly lines: readonly Line[];
  readonly width: number;
  /** Exactly this many rows are drawn (blank ones pad). */
  readonly height: number;
  readonly offset?: number;
}

/** A window of pre-built lines, each cut to the width: the scrolling primitive of every pane. */
export function Lines({ lines, width, height, offset = 0 }: LinesProps) {
  const tone = useTone();
  const shown = lines.slice(offset, offset + height);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {Array.from({ length: height }, (_, i) => {
        const line = shown[i];
        return (
          <Text key={i} color={tone(line?.tone)} bold={line?.bold}>
            {cut(line?.text ?? '', width) || ' '}
          </Text>
        );
      })}
    </Box>
  );
}
