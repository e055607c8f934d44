/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Text } from 'ink';
import { fit } from '../model/fit.js';
import { useTone } from '../theme.js';

/**
 * A pane's title bar. The focused pane's is drawn heavy (`━`, `▶`, bold,
 * inverse) and the other light (`─`, dim): the focus shows without colour,
 * and in a screen captured as plain text.
 */
export function PaneTitle({ text, width, focused }: { readonly text: string; readonly width: number; readonly focused: boolean }) {
  const tone = useTone();
  const line = focused ? `▶ ${text} ━━`.padEnd(width, '━') : `  ${text} ──`.padEnd(width, '─');
  return (
    <Text bold={focused} inverse={focused} dimColor={!focused} color={focused ? tone('accent') : undefined}>
      {fit(line, width)}
    </Text>
  );
}
