/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box } from 'ink';
import { useEffect, useState } from 'react';
import type { CorrelatedIncident } from '../../engine/index.js';
import type { TuiSession } from '../engine-session.js';
import { useScreenKeys } from '../hooks/use-keys.js';
import { incidentDetailLines, incidentListLines, type IncidentRestore } from '../model/incident-lines.js';
import { scrollOffset } from '../model/viewport.js';
import { Lines } from './Lines.js';

export interface IncidentsScreenProps {
  readonly session: TuiSession;
  readonly width: number;
  readonly height: number;
  readonly onBack: () => void;
  /** After a real restore: the actual state changed, so re-plan. */
  readonly onRestored?: () => void;
}

/** Incidents the controller recorded: the list (open first), one inspected with its cause, symptoms, services, likely change and restore. */
export function IncidentsScreen({ session, width, height, onBack, onRestored }: IncidentsScreenProps) {
  const [job, setJob] = useState<IncidentRestore>();
  const [list, setList] = useState<readonly CorrelatedIncident[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [cursor, setCursor] = useState(0);
  const [inspecting, setInspecting] = useState(false);
  const load = () => {
    setLoading(true);
    session
      .listIncidents()
      .then((l) => {
        setList(l);
        setError(undefined);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setLoading(false));
  };
  useEffect(load, []); // eslint-disable-line react-hooks/exhaustive-deps
  const selected = list[Math.min(cursor, list.length - 1)];
  /** The suggested `plumb restore BACKUP REF...`, run through the engine: a dry run first, then (y) for real. */
  const restore = (dryRun: boolean) => {
    const change = selected?.change;
    if (!change?.backup || !change.restore) return;
    const ids = change.restore.split(' ').slice(3);
    const incident = selected.dedupeKey;
    setJob({ incident, phase: dryRun ? 'dry-running' : 'restoring' });
    session
      .restore(change.backup, { ids, dryRun })
      .then((report) => {
        setJob({ incident, phase: dryRun ? 'rehearsed' : 'done', report });
        if (!dryRun) onRestored?.();
      })
      .catch((e: unknown) => setJob({ incident, phase: 'failed', error: e instanceof Error ? e.message : String(e) }));
  };
  useScreenKeys((input, key) => {
    if (key.escape) {
      if (inspecting) {
        setInspecting(false);
        setJob(undefined);
      } else onBack();
    } else if (inspecting && input === 'd' && !job?.phase.endsWith('ing')) restore(true);
    else if (inspecting && input === 'y' && job?.phase === 'rehearsed' && job.incident === selected?.dedupeKey && job.report?.outcome === 'succeeded')
      restore(false);
    else if (key.downArrow || input === 'j') {
      setCursor((c) => Math.min(list.length - 1, c + 1));
      setJob(undefined);
    } else if (key.upArrow || input === 'k') {
      setCursor((c) => Math.max(0, c - 1));
      setJob(undefined);
    } else if (key.return && selected) setInspecting(true);
    else if (input === 'r') load();
  });
  const open = list.filter((i) => i.status === 'open').length;
  const listHeight = inspecting ? Math.min(Math.max(2, list.length + 1), Math.floor(height / 3)) : height - (error ? 1 : 0);
  const offset = scrollOffset(list.length, cursor, Math.max(1, listHeight - 1), 0);
  const title = [
    { text: loading ? 'incidents: loading…' : `incidents: ${open} open, ${list.length - open} resolved recently`, bold: true, tone: 'accent' as const },
  ];
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={title} width={width} height={1} />
      <Lines lines={incidentListLines(list, cursor, width)} width={width} height={Math.max(1, listHeight - 1)} offset={offset} />
      {error ? <Lines lines={[{ text: `error: ${error}`, tone: 'error' }]} width={width} height={1} /> : null}
      {inspecting && selected ? (
        <Lines
          lines={incidentDetailLines(selected, width, job?.incident === selected.dedupeKey ? job : undefined)}
          width={width}
          height={height - listHeight - (error ? 1 : 0)}
        />
      ) : null}
    </Box>
  );
}
