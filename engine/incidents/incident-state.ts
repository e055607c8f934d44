import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PlumbError } from '../model/errors.js';
import { writeFileAtomic } from '../providers/atomic-write.js';
import type { IncidentService } from './types.js';
import type { ImpactSummary } from '../plan/types.js';

/** An incident that is still open, as the tracker keeps it. */
export interface OpenIncident {
  readonly dedupeKey: string;
  readonly ci: { readonly id: string; readonly kind: string; readonly name: string; readonly namespace: string };
  readonly failure: string;
  readonly reason: string;
  readonly businessServices: readonly IncidentService[];
  readonly risk: ImpactSummary['risk'];
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** When the last open/update was sent (ISO 8601). */
  readonly lastSentAt: string;
  readonly revision: number;
}

/**
 * The tracker's file: open incidents, and the last revision of every dedupe
 * key ever used, so that a recurrence continues the count and no idempotency
 * key is ever reused.
 */
export interface IncidentStateFile {
  readonly version: 1;
  readonly open: readonly OpenIncident[];
  readonly revisions: Readonly<Record<string, number>>;
}

export const EMPTY_STATE: IncidentStateFile = { version: 1, open: [], revisions: {} };

/** Reads the state; a missing file is a fresh start. Throws `incidents.bad-state` for a file that is not one. */
export async function readIncidentState(path: string): Promise<IncidentStateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
    throw new PlumbError('incidents.state-unreadable', `cannot read the incident state ${path}`, { cause: e, hint: 'check the path and its permissions', data: { path } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badState(path, e);
  }
  const v = value as Partial<IncidentStateFile> | null;
  if (!v || v.version !== 1 || !Array.isArray(v.open) || typeof v.revisions !== 'object' || v.revisions === null) throw badState(path);
  return v as IncidentStateFile;
}

/** Replaces the state file atomically (never a torn file after a crash). */
export async function writeIncidentState(path: string, state: IncidentStateFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(state)}\n`, 0o600);
}

function badState(path: string, cause?: unknown): PlumbError {
  return new PlumbError('incidents.bad-state', `the incident state ${path} is not a plumb incident state file`, {
    cause,
    hint: 'move the file away; a fresh state re-opens a ticket for each failure still ongoing',
    data: { path },
  });
}
