import type { CIGraph } from '../graph/types.js';
import { parseRef } from '../model/reference.js';
import { dedupeKeyOf } from './dedupe-key.js';
import { incidentImpact, sameImpact } from './incident-impact.js';
import { readIncidentState, writeIncidentState, type OpenIncident } from './incident-state.js';
import { incidentSummary } from './incident-summary.js';
import type { Failure, IncidentPayload, Recovery } from './types.js';

export interface IncidentTrackerOptions {
  /** The JSON state file (created on first write). */
  readonly statePath: string;
  /** While an incident lasts with nothing new, an `update` is sent this often (default 15 minutes). */
  readonly updateEveryMs?: number;
  /**
   * Hands the actions of a round on (typically `outbox.enqueue`) BEFORE the
   * state is written: a crash in between re-sends the same actions with the
   * same revisions, which the outbox and the receiver drop as duplicates —
   * whereas the other order could lose a ticket. If it throws, the round is
   * not recorded and the next one produces the actions again.
   */
  readonly emit?: (actions: readonly IncidentPayload[]) => Promise<void>;
}

export interface ObserveRequest {
  readonly now: Date;
  readonly failures: readonly Failure[];
  readonly recoveries: readonly Recovery[];
  /** The graph the impact of each failure is simulated on (its current revision). */
  readonly graph: CIGraph;
}

export const DEFAULT_UPDATE_EVERY_MS = 15 * 60_000;

/**
 * Turns probe observations into incidents: exactly one per ongoing failure
 * (dedupe key = CI + failure kind), however many rounds it lasts.
 *
 *  - a new failure → `open`;
 *  - the same failure again → nothing, unless the reason changed, the impact
 *    changed (other business services or states, or another risk level — the
 *    graph may have a new revision), or `updateEveryMs` passed since the last
 *    message → `update`;
 *  - a recovery of a CI → `resolve` for each of its open incidents (or those
 *    of the recovery's `kind`) that did not fail again in the same round;
 *  - an open incident whose CI left the graph → `resolve` (reason says so).
 * A CI that is in neither list keeps its incidents as they are (not probed
 * this round is not recovered). Actions come sorted by CI, then failure kind.
 *
 * Cost per round: one impact simulation per failing CI, plus O(open incidents).
 */
export class IncidentTracker {
  private readonly open: Map<string, OpenIncident>;
  private readonly revisions: Map<string, number>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: IncidentTrackerOptions, open: readonly OpenIncident[], revisions: Readonly<Record<string, number>>) {
    this.open = new Map(open.map((i) => [i.dedupeKey, i]));
    this.revisions = new Map(Object.entries(revisions));
  }

  /** Loads the state file (see readIncidentState for its errors). */
  static async open(options: IncidentTrackerOptions): Promise<IncidentTracker> {
    const state = await readIncidentState(options.statePath);
    return new IncidentTracker(options, state.open, state.revisions);
  }

  /** The incidents open now, sorted by CI. */
  openIncidents(): OpenIncident[] {
    return [...this.open.values()].sort((a, b) => compare(a.ci.id, b.ci.id) || compare(a.failure, b.failure));
  }

  /** One round of observations → the messages to send (see the class comment). Rounds never overlap. */
  observe(req: ObserveRequest): Promise<IncidentPayload[]> {
    const run = this.queue.then(() => this.round(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async round({ now, failures, recoveries, graph }: ObserveRequest): Promise<IncidentPayload[]> {
    const at = now.toISOString();
    const every = this.options.updateEveryMs ?? DEFAULT_UPDATE_EVERY_MS;
    const next = new Map<string, OpenIncident | undefined>(); // key → new value (undefined: resolved)
    const actions: IncidentPayload[] = [];
    const failing = new Set<string>(); // CIs failing in some way this round

    const byKey = new Map<string, Failure & { kind: string }>();
    for (const f of failures) byKey.set(dedupeKeyOf(f.ci, f.kind ?? 'down'), { ...f, kind: f.kind ?? 'down' });
    for (const [key, f] of byKey) {
      failing.add(f.ci);
      const impact = incidentImpact(graph, f.ci);
      const before = this.open.get(key);
      if (!before) {
        const incident: OpenIncident = {
          dedupeKey: key, ci: ciRef(graph, f.ci), failure: f.kind, reason: f.reason, ...impact,
          firstSeen: at, lastSeen: at, lastSentAt: at, revision: (this.revisions.get(key) ?? 0) + 1,
        };
        next.set(key, incident);
        actions.push(payloadOf(incident, 'open'));
        continue;
      }
      const due = now.getTime() - Date.parse(before.lastSentAt) >= every;
      if (before.reason !== f.reason || !sameImpact(before, impact) || due) {
        const incident: OpenIncident = { ...before, reason: f.reason, ...impact, lastSeen: at, lastSentAt: at, revision: before.revision + 1 };
        next.set(key, incident);
        actions.push(payloadOf(incident, 'update'));
      } else {
        next.set(key, { ...before, lastSeen: at });
      }
    }

    const recovered = new Map<string, Set<string> | 'all'>();
    for (const r of recoveries) {
      const { ci, kind } = typeof r === 'string' ? { ci: r, kind: undefined } : r;
      const prev = recovered.get(ci);
      if (kind === undefined || prev === 'all') recovered.set(ci, 'all');
      else recovered.set(ci, new Set([...(prev ?? []), kind]));
    }
    for (const [key, incident] of this.open) {
      if (next.has(key)) continue; // failing this round: a recovery of another kind does not touch it
      const kinds = recovered.get(incident.ci.id);
      const gone = !graph.hasNode(incident.ci.id) && !failing.has(incident.ci.id);
      if (!gone && !(kinds === 'all' || kinds?.has(incident.failure))) continue;
      const resolved: OpenIncident = { ...incident, revision: incident.revision + 1, ...(gone ? { reason: 'the ci is no longer in the inventory' } : {}) };
      next.set(key, undefined);
      actions.push(payloadOf(resolved, 'resolve', at));
    }

    actions.sort((a, b) => compare(a.ci.id, b.ci.id) || compare(a.failure, b.failure));
    if (actions.length > 0) await this.options.emit?.(actions);
    // Only now is the round recorded (see `emit`).
    for (const [key, incident] of next) {
      if (incident) this.open.set(key, incident);
      else this.open.delete(key);
    }
    for (const a of actions) this.revisions.set(a.dedupeKey, a.revision);
    if (actions.length > 0) await this.save();
    return actions;
  }

  private async save(): Promise<void> {
    await writeIncidentState(this.options.statePath, {
      version: 1,
      open: this.openIncidents(),
      revisions: Object.fromEntries([...this.revisions].sort(([a], [b]) => compare(a, b))),
    });
  }
}

function payloadOf(incident: OpenIncident, action: IncidentPayload['action'], resolvedAt?: string): IncidentPayload {
  const body: Omit<IncidentPayload, 'summary'> = {
    dedupeKey: incident.dedupeKey, action, ci: incident.ci, failure: incident.failure, reason: incident.reason,
    businessServices: incident.businessServices, risk: incident.risk, firstSeen: incident.firstSeen, lastSeen: incident.lastSeen,
    ...(resolvedAt ? { resolvedAt } : {}), revision: incident.revision,
  };
  const { dedupeKey, action: _action, ...rest } = body;
  return { dedupeKey, action, summary: incidentSummary(body), ...rest };
}

function ciRef(graph: CIGraph, id: string): OpenIncident['ci'] {
  if (graph.hasNode(id)) {
    const ci = graph.getNodeAttribute(id, 'ci');
    return { id, kind: ci.kind, name: ci.name, namespace: ci.namespace };
  }
  const ref = parseRef(id);
  return ref ? { id, kind: ref.kind, name: ref.name, namespace: ref.namespace } : { id, kind: '', name: id, namespace: '' };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
