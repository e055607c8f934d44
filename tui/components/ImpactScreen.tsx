/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box } from 'ink';
import { useScreenKeys } from '../hooks/use-keys.js';
import type { CIGraph, ImpactSummary } from '../../engine/index.js';
import { useImpact } from '../hooks/use-impact.js';
import { impactHeading, treeLines } from '../model/impact-lines.js';
import { scrollOffset } from '../model/viewport.js';
import { Lines } from './Lines.js';
import { useRef } from 'react';

export interface ImpactScreenProps {
  readonly graph?: CIGraph;
  readonly root: string;
  readonly planned?: ImpactSummary;
  readonly width: number;
  readonly height: number;
  readonly onBack: () => void;
}

/** The impact explorer: dependents and dependencies of one CI as a tree, states from the plan or a `down` simulation. */
export function ImpactScreen({ graph, root, planned, width, height, onBack }: ImpactScreenProps) {
  const ex = useImpact(graph, root, planned);
  const offsetRef = useRef(0);
  useScreenKeys((input, key) => {
    if (key.escape) onBack();
    else if (key.downArrow || input === 'j') ex.move(1);
    else if (key.upArrow || input === 'k') ex.move(-1);
    else if (key.pageDown) ex.move(height - 3);
    else if (key.pageUp) ex.move(-(height - 3));
    else if (key.return || input === ' ') ex.toggle();
    else if (key.rightArrow || input === 'l') ex.toggle(true);
    else if (key.leftArrow || input === 'h') ex.toggle(false);
    else if (input === 'd') ex.simulateDown();
    else if (input === 'c') ex.showChange();
  });
  const heading = impactHeading(root, ex.summary, width);
  if (ex.error) heading.push({ text: ex.error, tone: 'error' });
  const treeHeight = Math.max(1, height - heading.length);
  const offset = scrollOffset(ex.rows.length, ex.cursor, treeHeight, offsetRef.current);
  offsetRef.current = offset;
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={heading} width={width} height={heading.length} />
      <Lines lines={treeLines(ex.rows, ex.cursor, width)} width={width} height={treeHeight} offset={offset} />
    </Box>
  );
}
