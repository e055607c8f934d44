import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PlumbError } from '../model/errors.js';
import { writeFileAtomic } from '../providers/atomic-write.js';
import { conditionKey } from './events.js';
import type { Condition, CorrelatedIncident } from '../incidents/types.js';
import type { IncidentService } from '../incidents/types.js';
import type { ImpactSummary } from '../plan/types.js';
import { makeDirectory } from '../model/make-directory.js';

/** An open incident of a version 1 state file (one per failing CI and failure kind). */
interface OpenIncidentV1 {
  readonly dedupeKey: string;
  readonly ci: { readonly id: string; readonly kind: string; readonly name: string; readonly namespace: string };
  readonly failure: string;
  readonly reason: string;
  readonly businessServices: readonly IncidentService[];
  readonly risk: ImpactSummary['risk'];
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly lastSentAt: string;
  readonly revision: number;
}

/**
 * The correlator's file (`<stateDir>/incidents.json`): conditions in force,
 * CIs last seen healthy, incidents open or resolved in the last 24 hours,
 * and the last revision of every dedupe key ever used (so no idempotency key
 * is reused). Version 1 files (one incident per failing CI) are read and
 * carried over: their open incidents continue, each with its CI as the cause.
 */
export interface CorrelatorStateFile {
  readonly version: 2;
  readonly conditions: readonly Condition[];
  readonly healthy: readonly string[];
  readonly incidents: readonly CorrelatedIncident[];
  readonly revisions: Readonly<Record<string, number>>;
}

const EMPTY: CorrelatorStateFile = { version: 2, conditions: [], healthy: [], incidents: [], revisions: {} };

/** Reads the state; a missing file is a fresh start. Throws `incidents.bad-state` for a file that is not one. */
export async function readCorrelatorState(path: string): Promise<CorrelatorStateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw new PlumbError('incidents.state-unreadable', `cannot read the incident state ${path}`, {
      cause: e,
      hint: 'check the path and its permissions',
      data: { path },
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badState(path, e);
  }
  const v = value as Record<string, unknown> | null;
  if (!v || typeof v.revisions !== 'object' || v.revisions === null) throw badState(path);
  if (v.version === 1 && Array.isArray(v.open)) return fromVersion1(v.open as OpenIncidentV1[], v.revisions as Record<string, number>);
  if (v.version !== 2 || !Array.isArray(v.conditions) || !Array.isArray(v.healthy) || !Array.isArray(v.incidents)) throw badState(path);
  return v as unknown as CorrelatorStateFile;
}

/** Replaces the state file atomically (never a torn file after a crash). */
export async function writeCorrelatorState(path: string, state: CorrelatorStateFile): Promise<void> {
  await makeDirectory(dirname(path));
  await writeFileAtomic(path, `${JSON.stringify(state)}\n`, 0o600);
}

function fromVersion1(open: readonly OpenIncidentV1[], revisions: Record<string, number>): CorrelatorStateFile {
  const conditions = new Map<string, Condition>();
  const incidents: CorrelatedIncident[] = open.map((o) => {
    const outage = o.failure === 'down';
    const cond: Condition = {
      ci: o.ci.id,
      kind: o.failure,
      detail: o.reason,
      severity: outage ? 'major' : 'warning',
      since: o.firstSeen,
      lastSeen: o.lastSeen,
    };
    conditions.set(conditionKey(cond), cond);
    return {
      dedupeKey: o.dedupeKey,
      status: 'open',
      failure: o.failure,
      severity: cond.severity,
      cause: [{ ...o.ci, conditions: [{ kind: cond.kind, detail: cond.detail, severity: cond.severity, since: cond.since }] }],
      alternatives: [],
      symptoms: [],
      related: [],
      businessServices: o.businessServices,
      risk: o.risk,
      firstSeen: o.firstSeen,
      lastSeen: o.lastSeen,
      lastSentAt: o.lastSentAt,
      revision: o.revision,
      reopened: 0,
    };
  });
  return { version: 2, conditions: [...conditions.values()], healthy: [], incidents, revisions };
}

function badState(path: string, cause?: unknown): PlumbError {
  return new PlumbError('incidents.bad-state', `the incident state ${path} is not a plumb incident state file`, {
    cause,
    hint: 'move the file away; a fresh state re-opens a ticket for each failure still ongoing',
    data: { path },
  });
}
