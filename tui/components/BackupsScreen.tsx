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

/**
 * Backups: the list, one inspected, a dry-run restore and then, only after
 * it, the restore — after which the list is read again (the restore's own
 * backup of what it overwrote is new) with the cursor kept on the restored one.
 */
export function BackupsScreen({ session, width, height, onBack, onRestored }: BackupsScreenProps) {
  const b = useBackups(session);
  // the cursor follows a backup by id: a reload (after a restore) puts the new one on top
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const found = selectedId === undefined ? -1 : b.list.findIndex((m) => m.id === selectedId);
  const cursor = found >= 0 ? found : 0;
  const setCursor = (f: (c: number) => number) => setSelectedId(b.list[Math.max(0, Math.min(b.list.length - 1, f(cursor)))]?.id);
  const [inspecting, setInspecting] = useState(false);
  useEffect(() => b.load(), []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (b.job?.phase !== 'done' || b.job.report?.dryRun) return;
    // a restore takes a backup of what it overwrites first: list it, and re-plan
    b.load();
    onRestored();
  }, [b.job?.phase]); // eslint-disable-line react-hooks/exhaustive-deps
  const selected = b.list[Math.min(cursor, b.list.length - 1)];
  if (selected && selectedId === undefined) setSelectedId(selected.id);
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
  // the title, then the list (a third of the screen while one is inspected), then the inspected one
  const errorRows = b.error ? 1 : 0;
  const listRows = inspecting ? Math.max(1, Math.min(b.list.length, Math.floor(height / 3) - 1)) : Math.max(1, height - 1 - errorRows);
  const offset = scrollOffset(b.list.length, cursor, listRows, 0);
  const title = [{ text: b.loading ? 'backups: loading…' : `backups (${b.list.length}, newest first)`, bold: true, tone: 'accent' as const }];
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={title} width={width} height={1} />
      <Lines lines={backupListLines(b.list, cursor, width)} width={width} height={listRows} offset={offset} />
      {b.error ? <Lines lines={[{ text: `error: ${b.error}`, tone: 'error' }]} width={width} height={1} /> : null}
      {inspecting && selected ? (
        <Lines lines={backupDetailLines(selected, b.job, width)} width={width} height={Math.max(1, height - 1 - listRows - errorRows)} />
      ) : null}
    </Box>
  );
}
