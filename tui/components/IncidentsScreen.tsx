/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box } from 'ink';
import { useEffect, useState } from 'react';
import type { CorrelatedIncident } from '../../engine/index.js';
import type { TuiSession } from '../engine-session.js';
import { useScreenKeys } from '../hooks/use-keys.js';
import { incidentDetailLines, incidentListLines } from '../model/incident-lines.js';
import { scrollOffset } from '../model/viewport.js';
import { Lines } from './Lines.js';

export interface IncidentsScreenProps {
  readonly session: TuiSession;
  readonly width: number;
  readonly height: number;
  readonly onBack: () => void;
}

/** Incidents the controller recorded: the list (open first), one inspected with its cause, symptoms, services, likely change and restore. */
export function IncidentsScreen({ session, width, height, onBack }: IncidentsScreenProps) {
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
  useScreenKeys((input, key) => {
    if (key.escape) {
      if (inspecting) setInspecting(false);
      else onBack();
    } else if (key.downArrow || input === 'j') setCursor((c) => Math.min(list.length - 1, c + 1));
    else if (key.upArrow || input === 'k') setCursor((c) => Math.max(0, c - 1));
    else if (key.return && selected) setInspecting(true);
    else if (input === 'r') load();
  });
  const open = list.filter((i) => i.status === 'open').length;
  const listHeight = inspecting ? Math.min(Math.max(2, list.length + 1), Math.floor(height / 3)) : height - (error ? 1 : 0);
  const offset = scrollOffset(list.length, cursor, Math.max(1, listHeight - 1), 0);
  const title = [{ text: loading ? 'incidents: loading…' : `incidents: ${open} open, ${list.length - open} resolved recently`, bold: true, tone: 'accent' as const }];
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={title} width={width} height={1} />
      <Lines lines={incidentListLines(list, cursor, width)} width={width} height={Math.max(1, listHeight - 1)} offset={offset} />
      {error ? <Lines lines={[{ text: `error: ${error}`, tone: 'error' }]} width={width} height={1} /> : null}
      {inspecting && selected ? <Lines lines={incidentDetailLines(selected, width)} width={width} height={height - listHeight - (error ? 1 : 0)} /> : null}
    </Box>
  );
}
