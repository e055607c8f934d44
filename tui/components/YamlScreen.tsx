/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { CIDocument } from '../../engine/index.js';
import { useScreenKeys } from '../hooks/use-keys.js';
import { cut } from '../model/fit.js';
import { yamlPanes } from '../model/yaml-lines.js';
import { Lines } from './Lines.js';
import { PaneTitle } from './PaneTitle.js';
import { Rule } from './SplitPanes.js';

export interface YamlScreenProps {
  readonly id: string;
  readonly state: string;
  readonly document?: CIDocument;
  readonly file?: string;
  readonly line?: number;
  readonly width: number;
  readonly height: number;
  readonly onBack: () => void;
}

/**
 * `y`: one CI's desired and observed documents as YAML (redacted by the
 * engine). Side by side from 100 columns, else one above the other; `tab`
 * moves the focus (and the scrolling) between the two.
 */
export function YamlScreen({ id, state, document, file, line, width, height, onBack }: YamlScreenProps) {
  const panes = yamlPanes(document, { ...(file ? { file } : {}), ...(line ? { line } : {}) });
  const [focus, setFocus] = useState<'desired' | 'observed'>('desired');
  const [offsets, setOffsets] = useState({ desired: 0, observed: 0 });
  const side = width >= 100;
  const bodyHeight = height - 1;
  const paneHeight = side ? bodyHeight - 1 : Math.max(1, Math.floor(bodyHeight / 2) - 1);
  const scroll = (step: number) =>
    setOffsets((o) => ({ ...o, [focus]: Math.max(0, Math.min(Math.max(0, panes[focus].lines.length - paneHeight), o[focus] + step)) }));
  useScreenKeys((input, key) => {
    if (key.escape || input === 'y') onBack();
    else if (key.tab || key.leftArrow || key.rightArrow || input === 'h' || input === 'l') setFocus((f) => (f === 'desired' ? 'observed' : 'desired'));
    else if (key.downArrow || input === 'j') scroll(1);
    else if (key.upArrow || input === 'k') scroll(-1);
    else if (key.pageDown || input === ' ') scroll(paneHeight - 1);
    else if (key.pageUp) scroll(-(paneHeight - 1));
    else if (key.home || input === 'g') scroll(-Infinity);
    else if (key.end || input === 'G') scroll(Infinity);
  });
  const title = <Text bold>{cut(`yaml · ${id} · ${state} · secrets shown as (sensitive)`, width)}</Text>;
  if (side) {
    const w = Math.floor((width - 1) / 2);
    const w2 = width - 1 - w;
    return (
      <Box flexDirection="column" height={height}>
        {title}
        <Box>
          <PaneTitle text={panes.desired.title} width={w} focused={focus === 'desired'} />
          <Text> </Text>
          <PaneTitle text={panes.observed.title} width={w2} focused={focus === 'observed'} />
        </Box>
        <Box height={paneHeight}>
          <Lines lines={panes.desired.lines} width={w} height={paneHeight} offset={offsets.desired} />
          <Rule height={paneHeight} focused={false} />
          <Lines lines={panes.observed.lines} width={w2} height={paneHeight} offset={offsets.observed} />
        </Box>
      </Box>
    );
  }
  const second = Math.max(1, bodyHeight - paneHeight - 2);
  return (
    <Box flexDirection="column" height={height}>
      {title}
      <PaneTitle text={panes.desired.title} width={width} focused={focus === 'desired'} />
      <Lines lines={panes.desired.lines} width={width} height={paneHeight} offset={offsets.desired} />
      <PaneTitle text={panes.observed.title} width={width} focused={focus === 'observed'} />
      <Lines lines={panes.observed.lines} width={width} height={second} offset={offsets.observed} />
    </Box>
  );
}
