/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box } from 'ink';
import { useScreenKeys } from '../hooks/use-keys.js';
import { useEffect, useState } from 'react';
import type { TuiSession } from '../engine-session.js';
import { useBackups } from '../hooks/use-backups.js';
import { backupDetailLines, backupListLines } from '../model/backup-lines.js';
import { scrollOffset } from '../model/viewport.js';
import { Lines } from './Lines.js';

export interface BackupsScreenProps {
  readonly session: TuiSession;
  readonly width: number;
  readonly height: number;
  readonly onBack: () => void;
  /** After a real restore: the actual state changed, so re-plan. */
  readonly onRestored: () => void;
}

/** Backups: the list, one inspected, a dry-run restore and then, only after it, the restore. */
export function BackupsScreen({ session, width, height, onBack, onRestored }: BackupsScreenProps) {
  const b = useBackups(session);
  const [cursor, setCursor] = useState(0);
  const [inspecting, setInspecting] = useState(false);
  useEffect(() => b.load(), []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (b.job?.phase === 'done' && !b.job.report?.dryRun) onRestored();
  }, [b.job?.phase]); // eslint-disable-line react-hooks/exhaustive-deps
  const selected = b.list[Math.min(cursor, b.list.length - 1)];
  useScreenKeys((input, key) => {
    if (key.escape) {
      if (inspecting) {
        setInspecting(false);
        b.clear();
      } else onBack();
    } else if (!inspecting && (key.downArrow || input === 'j')) setCursor((c) => Math.min(b.list.length - 1, c + 1));
    else if (!inspecting && (key.upArrow || input === 'k')) setCursor((c) => Math.max(0, c - 1));
    else if (key.return && selected) setInspecting(true);
    else if (input === 'd' && selected) {
      setInspecting(true);
      b.dryRun(selected.id);
    } else if (input === 'y' && inspecting) b.restore();
  });
  const listHeight = inspecting ? Math.min(Math.max(1, b.list.length), Math.floor(height / 3)) : height - (b.error ? 1 : 0);
  const offset = scrollOffset(b.list.length, cursor, listHeight, 0);
  const title = [{ text: b.loading ? 'backups: loading…' : `backups (${b.list.length}, newest first)`, bold: true, tone: 'accent' as const }];
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={title} width={width} height={1} />
      <Lines lines={backupListLines(b.list, cursor, width)} width={width} height={Math.max(1, listHeight - 1)} offset={offset} />
      {b.error ? <Lines lines={[{ text: `error: ${b.error}`, tone: 'error' }]} width={width} height={1} /> : null}
      {inspecting && selected ? (
        <Lines lines={backupDetailLines(selected, b.job, width)} width={width} height={height - listHeight - (b.error ? 1 : 0)} />
      ) : null}
    </Box>
  );
}
