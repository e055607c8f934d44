import type { CIGraph } from '../graph/types.js';
import { impactIndexOf } from '../impact/impact-index.js';
import { simulateImpact } from '../impact/simulate.js';
import { dedupeKeyOf } from '../incidents/dedupe-key.js';
import { parseRef } from '../model/reference.js';
import { conditionKey, isOutage, EVENT_SEVERITIES, type HealthEvent } from './events.js';
import { correlatedPayload } from './payload.js';
import { analyzeRootCause, explanationsOf, reachedBy } from './root-cause.js';
import { readCorrelatorState, writeCorrelatorState } from './state.js';
import type { CauseCI, CIName, Condition, ConditionView, CorrelatedIncident, IncidentPayloadV2, LikelyChange } from '../incidents/types.js';

export interface CorrelatorOptions {
  /** The JSON state file (created on first write): conditions, incidents, revisions. */
  readonly statePath: string;
  /**
   * Correlation window: a failure that no open incident explains waits this
   * long after the first such failure before an incident is opened, so that
   * what fails together (a host's endpoints and workloads) opens one incident.
   * Default 30 s; 0 opens at once.
   */
  readonly windowMs?: number;
  /**
   * Flap window: an incident that resolved less than this long ago and whose
   * cause fails again is reopened (the same ticket); one that reopened twice
   * within it is resolved only after it stayed recovered this long. Default 10 min.
   */
  readonly flapWindowMs?: number;
  /** While an incident lasts with nothing new, an `update` is sent this often (default 15 min). */
  readonly updateEveryMs?: number;
  /**
   * Hands the actions of a round on (typically `outbox.enqueue`) BEFORE the
   * state is written: a crash in between re-sends the same actions with the
   * same revisions, which the outbox and the receiver drop as duplicates. If
   * it throws, the round is not recorded (its events stay buffered).
   */
  readonly emit?: (actions: readonly IncidentPayloadV2[]) => Promise<void>;
  /**
   * Finds the apply that likely triggered an incident (see likely-change.ts,
   * `auditChangeFinder`): given the incident's CIs and what is upstream of its
   * cause, and when it began. Called when an incident opens or its cause changes.
   */
  readonly likelyChange?: (q: { readonly cis: ReadonlySet<string>; readonly began: string }) => Promise<LikelyChange | undefined>;
}

export interface EvaluateRequest {
  readonly now: Date;
  /** The graph of the revision in force: what explains what. */
  readonly graph: CIGraph;
}

export const DEFAULT_WINDOW_MS = 30_000;
export const DEFAULT_FLAP_WINDOW_MS = 10 * 60_000;
export const DEFAULT_UPDATE_EVERY_MS = 15 * 60_000;
/** Resolved incidents are kept this long (for `plumb incidents`), and at most MAX_RESOLVED of them. */
const HISTORY_MS = 24 * 60 * 60_000;
const MAX_RESOLVED = 200;

type Severity = Condition['severity'];

/**
 * Event correlation: health events in, incidents out — one incident per
 * outage, however many CIs it makes fail, each naming its suspected root
 * cause (engine/correlate/root-cause.ts), its symptoms with the path that
 * explains each, the business services hit, and the apply that likely
 * triggered it.
 *
 * Use: `submit(events)` whenever a producer has events (the endpoint,
 * Kubernetes, exec and host collectors, a capacity forecaster, an embedder's
 * checks); `evaluate({now, graph})` once per round turns what was submitted
 * into incident actions (`open` / `update` / `resolve`, payload schema
 * version 2) and hands them to `emit`.
 *
 * Rules (docs/incidents.md, "Correlation"):
 *  - a condition is `(ci, kind)`; its latest event replaces the earlier one,
 *    a `cleared` event ends it; outages are critical/major conditions;
 *  - a failing CI that an open incident's cause explains (its simulated
 *    `down` reaches it) joins that incident as a symptom: an `update`;
 *  - the others wait for the correlation window, then are analysed together
 *    with the open incidents' failures: failures whose explanations share a
 *    cause form one incident; a group that takes in an open incident
 *    continues it (incidents merge, never split);
 *  - a warning (minor/warning) on a CI an incident's cause reaches is listed
 *    as `related`; elsewhere it is an incident of its own kind;
 *  - an incident resolves once none of its CIs fails; one whose cause fails
 *    again within the flap window is reopened; after two reopens it resolves
 *    only after a quiet flap window.
 * Events about CIs the graph does not have are kept out of the analysis; an
 * incident all of whose CIs left the graph resolves.
 */
export class IncidentCorrelator {
  private buffer: HealthEvent[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly options: CorrelatorOptions,
    private conditions: Map<string, Condition>,
    private healthy: Set<string>,
    private incidents: Map<string, CorrelatedIncident>,
    private revisions: Map<string, number>,
  ) {}

  /** Loads the state file (errors: `incidents.state-unreadable`, `incidents.bad-state`). */
  static async open(options: CorrelatorOptions): Promise<IncidentCorrelator> {
    const s = await readCorrelatorState(options.statePath);
    return new IncidentCorrelator(
      options,
      new Map(s.conditions.map((c) => [conditionKey(c), c])),
      new Set(s.healthy),
      new Map(s.incidents.map((i) => [i.dedupeKey, i])),
      new Map(Object.entries(s.revisions)),
    );
  }

  /**
   * The entry point for producers: buffers health events until the next
   * `evaluate`. Synchronous and cheap; events may come in any order (they are
   * applied by `time`). Check events from outside the process with
   * `parseHealthEvent` first.
   */
  submit(events: readonly HealthEvent[]): void {
    this.buffer.push(...events);
  }

  /** Incidents open now, oldest first. */
  openIncidents(): CorrelatedIncident[] {
    return [...this.incidents.values()]
      .filter((i) => i.status === 'open')
      .sort((a, b) => compare(a.firstSeen, b.firstSeen) || compare(a.dedupeKey, b.dedupeKey));
  }

  /** Open incidents, then those resolved in the last 24 hours (most recent first, at most 200). */
  allIncidents(): CorrelatedIncident[] {
    const resolved = [...this.incidents.values()].filter((i) => i.status === 'resolved').sort((a, b) => compare(b.resolvedAt ?? '', a.resolvedAt ?? ''));
    return [...this.openIncidents(), ...resolved];
  }

  /** Conditions in force, by CI then kind. */
  currentConditions(): Condition[] {
    return [...this.conditions.values()].sort((a, b) => compare(a.ci, b.ci) || compare(a.kind, b.kind));
  }

  /** One round (see the class comment). Rounds never overlap. */
  evaluate(req: EvaluateRequest): Promise<IncidentPayloadV2[]> {
    const run = this.queue.then(() => this.round(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async round({ now, graph }: EvaluateRequest): Promise<IncidentPayloadV2[]> {
    const at = now.toISOString();
    const windowMs = this.options.windowMs ?? DEFAULT_WINDOW_MS;
    const flapMs = this.options.flapWindowMs ?? DEFAULT_FLAP_WINDOW_MS;
    const every = this.options.updateEveryMs ?? DEFAULT_UPDATE_EVERY_MS;
    const taken = this.buffer.length;

    // 1. conditions
    const conditions = new Map(this.conditions);
    const healthy = new Set(this.healthy);
    const events = this.buffer.slice(0, taken).sort((a, b) => compare(a.time, b.time));
    for (const e of events) {
      const key = conditionKey(e);
      if (e.severity === 'cleared') {
        conditions.delete(key);
        healthy.add(e.ci);
        continue;
      }
      const before = conditions.get(key);
      conditions.set(key, {
        ci: e.ci,
        kind: e.kind,
        detail: e.detail,
        severity: e.severity,
        since: before?.since ?? (e.time < at ? e.time : at),
        lastSeen: e.time,
        ...(e.source ? { source: e.source } : {}),
      });
    }
    const outage = new Map<string, Condition[]>();
    const warnings = new Map<string, Condition[]>();
    for (const [key, c] of conditions) {
      // a CI that left the inventory has no conditions (producers report what still exists)
      if (!graph.hasNode(c.ci)) {
        conditions.delete(key);
        continue;
      }
      const into = isOutage(c.severity) ? outage : warnings;
      const list = into.get(c.ci);
      if (list) list.push(c);
      else into.set(c.ci, [c]);
    }
    for (const ci of outage.keys()) healthy.delete(ci);
    for (const ci of [...healthy]) if (!graph.hasNode(ci)) healthy.delete(ci);

    // 2. open incidents and what their causes reach
    const incidents = new Map(this.incidents);
    const index = impactIndexOf(graph);
    const reachCache = new Map<string, Set<string>>();
    const reach = (cause: readonly string[]): Set<string> => {
      const k = cause.join('\n');
      let r = reachCache.get(k);
      if (!r) {
        const nodes = cause.map((c) => index.numberOf.get(c)).filter((n): n is number => n !== undefined);
        r = new Set(nodes.length ? reachedBy(graph, index, nodes).map((v) => index.ids[v]) : []);
        reachCache.set(k, r);
      }
      return r;
    };
    const members = new Map<string, Set<string>>(); // open incident → its failing CIs
    const owner = new Map<string, string>(); // failing CI → open incident
    const open = [...incidents.values()].filter((i) => i.status === 'open' && i.failure === 'down').sort((a, b) => compare(a.firstSeen, b.firstSeen));
    for (const i of open) {
      const set = new Set<string>();
      for (const id of [...i.cause.map((c) => c.id), ...i.symptoms.map((s) => s.ci.id)]) {
        if (outage.has(id) && !owner.has(id)) {
          set.add(id);
          owner.set(id, i.dedupeKey);
        }
      }
      members.set(i.dedupeKey, set);
    }
    // 3. failures an open cause explains join it
    const pending: string[] = [];
    for (const ci of [...outage.keys()].sort()) {
      if (owner.has(ci)) continue;
      const host = open.find((i) => reach(i.cause.map((c) => c.id)).has(ci));
      if (host) {
        members.get(host.dedupeKey)!.add(ci);
        owner.set(ci, host.dedupeKey);
      } else pending.push(ci);
    }
    // 4. the rest, once the window has passed: analysed with the open incidents' failures
    const causeOf = new Map<string, string[]>(); // incident → new cause, when it changed
    const fresh: Array<{ cause: string[]; failing: Set<string>; alternatives: CorrelatedIncident['alternatives'] }> = [];
    // (a condition never begins after the round that first saw it: a producer's clock ahead of ours does not hold it back)
    let firstPending = now.getTime();
    for (const ci of pending) for (const c of outage.get(ci)!) firstPending = Math.min(firstPending, Date.parse(c.since));
    if (pending.length > 0 && now.getTime() - firstPending >= windowMs) {
      const failing = [...outage.keys()].sort();
      const analysis = analyzeRootCause(graph, { failing, healthy: [...healthy] });
      const groups = groupByCause(graph, analysis.best.cause, failing);
      const alternatives = analysis.alternatives.slice(0, 3).map((h) => ({ cause: h.cause, score: round3(h.score) }));
      const byIncident = new Map<string, { cause: Set<string>; failing: Set<string> }>();
      for (const g of groups) {
        const overlapped = [...new Set([...g.failing].map((ci) => owner.get(ci)).filter((k): k is string => k !== undefined))];
        if (overlapped.length === 0) {
          fresh.push({ cause: [...g.cause].sort(), failing: g.failing, alternatives: groups.length === 1 ? alternatives : [] });
          continue;
        }
        const oldest = open.find((i) => overlapped.includes(i.dedupeKey))!.dedupeKey;
        const into = byIncident.get(oldest) ?? { cause: new Set(), failing: new Set() };
        for (const c of g.cause) into.cause.add(c);
        for (const ci of g.failing) into.failing.add(ci);
        for (const k of overlapped) {
          if (k === oldest) continue;
          for (const ci of members.get(k) ?? []) into.failing.add(ci);
          members.set(k, new Set());
          const merged = incidents.get(k)!;
          incidents.set(k, { ...merged, resolution: `merged into ${oldest}` });
        }
        byIncident.set(oldest, into);
      }
      for (const [key, g] of byIncident) {
        members.set(key, g.failing);
        for (const ci of g.failing) owner.set(ci, key);
        causeOf.set(key, [...g.cause].sort());
      }
    }

    // 5. new incidents (or reopened ones)
    const actions: IncidentPayloadV2[] = [];
    const changed = new Set<string>();
    const reopenedKeys = new Set<string>();
    for (const f of fresh) {
      const recent = [...incidents.values()].find(
        (i) =>
          i.status === 'resolved' &&
          i.failure === 'down' &&
          now.getTime() - Date.parse(i.resolvedAt ?? at) < flapMs &&
          i.cause.some((c) => f.cause.includes(c.id)),
      );
      if (recent) {
        incidents.set(recent.dedupeKey, {
          ...recent,
          status: 'open',
          reopened: recent.reopened + 1,
          reopenedAt: at,
          resolvedAt: undefined,
          resolution: undefined,
        });
        members.set(recent.dedupeKey, f.failing);
        causeOf.set(recent.dedupeKey, f.cause);
        reopenedKeys.add(recent.dedupeKey);
        continue;
      }
      const key = dedupeKeyOf(f.cause.join(','), 'down');
      const existing = incidents.get(key);
      if (existing?.status === 'open') {
        // the same cause, another group: one incident
        for (const ci of f.failing) members.get(key)?.add(ci);
        continue;
      }
      const began =
        [...f.failing]
          .map((ci) => outage.get(ci)!.map((c) => c.since))
          .flat()
          .sort()[0] ?? at;
      incidents.set(key, {
        dedupeKey: key,
        status: 'open',
        failure: 'down',
        severity: 'major',
        cause: [],
        alternatives: f.alternatives,
        symptoms: [],
        related: [],
        businessServices: [],
        risk: { score: 0, level: 'low' },
        firstSeen: began,
        lastSeen: at,
        lastSentAt: at,
        revision: this.revisions.get(key) ?? 0,
        reopened: 0,
      });
      members.set(key, f.failing);
      causeOf.set(key, f.cause);
      changed.add(key);
    }

    // 6. warnings: related to an incident whose cause reaches them, or incidents of their own
    const related = new Map<string, Array<ConditionView & { ci: string }>>();
    const ownWarnings = new Map<string, Condition>();
    for (const [ci, list] of [...warnings].sort(([a], [b]) => compare(a, b))) {
      const host = [...incidents.values()].find(
        (i) => i.status === 'open' && i.failure === 'down' && reach(causeOf.get(i.dedupeKey) ?? i.cause.map((c) => c.id)).has(ci),
      );
      for (const c of list) {
        if (host) {
          const l = related.get(host.dedupeKey) ?? [];
          l.push({ ci, ...view(c) });
          related.set(host.dedupeKey, l);
        } else ownWarnings.set(dedupeKeyOf(ci, c.kind), c);
      }
    }
    for (const [key, c] of ownWarnings) {
      const existing = incidents.get(key);
      if (existing?.status === 'open') continue;
      incidents.set(key, {
        dedupeKey: key,
        status: 'open',
        failure: c.kind,
        severity: c.severity,
        cause: [],
        alternatives: [],
        symptoms: [],
        related: [],
        businessServices: [],
        risk: { score: 0, level: 'low' },
        firstSeen: c.since,
        lastSeen: at,
        lastSentAt: at,
        revision: this.revisions.get(key) ?? 0,
        reopened: 0,
      });
      changed.add(key);
    }

    // 7. each incident's new view → actions
    for (const [key, before] of [...incidents].sort(
      ([, a], [, b]) => compare(a.firstSeen, b.firstSeen) || Number(b.failure === 'down') - Number(a.failure === 'down') || compare(a.dedupeKey, b.dedupeKey),
    )) {
      if (before.status === 'resolved') {
        if (now.getTime() - Date.parse(before.resolvedAt ?? at) >= Math.max(flapMs, HISTORY_MS)) incidents.delete(key);
        continue;
      }
      if (before.resolution?.startsWith('merged into')) {
        const resolved: CorrelatedIncident = { ...before, status: 'resolved', resolvedAt: at, revision: before.revision + 1 };
        incidents.set(key, resolved);
        actions.push(correlatedPayload(resolved, 'resolve'));
        continue;
      }
      let next: CorrelatedIncident;
      if (before.failure === 'down') {
        const failing = members.get(key) ?? new Set<string>();
        const cause = causeOf.get(key) ?? before.cause.map((c) => c.id).filter((id) => graph.hasNode(id));
        if (failing.size === 0 || cause.length === 0) {
          // its cause left the inventory: resolved as such; symptoms still failing are analysed afresh next round
          const gone = cause.length === 0;
          const quietSince = Math.max(Date.parse(before.lastSeen), Date.parse(before.reopenedAt ?? before.firstSeen));
          if (!gone && before.reopened >= 2 && now.getTime() - quietSince < flapMs) continue; // flapping: hold the resolve
          const resolved: CorrelatedIncident = {
            ...before,
            status: 'resolved',
            resolvedAt: at,
            revision: before.revision + 1,
            resolution: gone ? 'the CI is no longer in the inventory' : 'recovered',
          };
          incidents.set(key, resolved);
          actions.push(correlatedPayload(resolved, 'resolve'));
          continue;
        }
        const causeSet = new Set(cause);
        const symptomIds = [...failing].filter((ci) => !causeSet.has(ci)).sort();
        const paths = new Map(explanationsOf(graph, cause, symptomIds).map((e) => [e.ci, e.path]));
        const impact = simulateImpact(graph, { sources: cause, event: 'down' });
        const conds = (ci: string): ConditionView[] => (outage.get(ci) ?? []).map(view).sort(bySeverity);
        const causeCIs: CauseCI[] = cause.map((id) => ({ ...nameOf(graph, id), conditions: conds(id) }));
        const worst =
          [...failing]
            .flatMap((ci) => outage.get(ci) ?? [])
            .map((c) => c.severity)
            .sort((a, b) => EVENT_SEVERITIES.indexOf(a) - EVENT_SEVERITIES.indexOf(b))[0] ?? 'major';
        let change = before.change;
        // asked when the incident opens, reopens, or its cause changes
        if (
          causeOf.has(key) &&
          this.options.likelyChange &&
          (changed.has(key) || reopenedKeys.has(key) || before.cause.map((c) => c.id).join('\n') !== cause.join('\n'))
        ) {
          const cis = new Set([...cause, ...symptomIds, ...upstreamOfCause(graph, cause)]);
          change = await this.options.likelyChange({ cis, began: before.firstSeen });
        }
        const { change: _old, ...rest } = before;
        next = {
          ...rest,
          severity: worst as Severity,
          cause: causeCIs,
          symptoms: symptomIds.map((id) => ({ ci: nameOf(graph, id), conditions: conds(id), path: paths.get(id) ?? [{ ci: id }] })),
          related: related.get(key) ?? [],
          businessServices: impact.businessServices.map(({ id, criticality, state }) => ({ id, criticality, state })),
          risk: impact.risk,
          ...(change ? { change } : {}),
          lastSeen: at,
        };
      } else {
        const cond = [...warnings.values()].flat().find((c) => dedupeKeyOf(c.ci, c.kind) === key);
        const hasNode = cond ? graph.hasNode(cond.ci) : false;
        if (!cond || !hasNode || related.has(key)) {
          const resolved: CorrelatedIncident = { ...before, status: 'resolved', resolvedAt: at, revision: before.revision + 1, resolution: 'recovered' };
          incidents.set(key, resolved);
          actions.push(correlatedPayload(resolved, 'resolve'));
          continue;
        }
        const impact = simulateImpact(graph, { sources: [cond.ci], event: 'change' });
        next = {
          ...before,
          severity: cond.severity,
          cause: [{ ...nameOf(graph, cond.ci), conditions: [view(cond)] }],
          businessServices: impact.businessServices.map(({ id, criticality, state }) => ({ id, criticality, state })),
          risk: impact.risk,
          lastSeen: at,
        };
      }
      const isNew = changed.has(key);
      const reopened = reopenedKeys.has(key);
      const due = now.getTime() - Date.parse(before.lastSentAt) >= every;
      if (isNew || reopened || due || newsIn(before, next)) {
        const sent: CorrelatedIncident = { ...next, lastSentAt: at, revision: before.revision + 1 };
        incidents.set(key, sent);
        actions.push(correlatedPayload(sent, isNew || reopened ? 'open' : 'update'));
      } else incidents.set(key, next);
    }

    const resolved = [...incidents.values()].filter((i) => i.status === 'resolved').sort((a, b) => compare(b.resolvedAt ?? '', a.resolvedAt ?? ''));
    for (const old of resolved.slice(MAX_RESOLVED)) incidents.delete(old.dedupeKey);
    if (actions.length > 0) await this.options.emit?.(actions);
    // Only now is the round recorded (see `emit`).
    this.buffer = this.buffer.slice(taken);
    this.conditions = conditions;
    this.healthy = healthy;
    this.incidents = incidents;
    for (const a of actions) this.revisions.set(a.dedupeKey, a.revision);
    await writeCorrelatorState(this.options.statePath, {
      version: 2,
      conditions: this.currentConditions(),
      healthy: [...healthy].sort(),
      incidents: this.allIncidents(),
      revisions: Object.fromEntries([...this.revisions].sort(([a], [b]) => compare(a, b))),
    });
    return actions;
  }
}

/**
 * Splits the failing CIs by the cause member that explains them: a failure
 * goes with the cause its shortest explanation starts from, and cause members
 * that only explain something together (the replicas of a redundancy group)
 * form one group.
 */
function groupByCause(graph: CIGraph, cause: readonly string[], failing: readonly string[]): Array<{ cause: Set<string>; failing: Set<string> }> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string): void => {
    const x = find(a);
    const y = find(b);
    if (x !== y) parent.set(y, x);
  };
  for (const c of cause) parent.set(c, c);
  if (cause.length === 0) return [];
  const index = impactIndexOf(graph);
  const all = new Set(
    reachedBy(
      graph,
      index,
      cause.map((c) => index.numberOf.get(c)!),
    ).map((v) => index.ids[v]),
  );
  for (const e of explanationsOf(graph, cause, failing)) {
    if (all.has(e.ci)) union(e.path[0].ci, e.ci);
  }
  if (cause.length > 1) {
    for (const c of cause) {
      const rest = cause.filter((x) => x !== c).map((x) => index.numberOf.get(x)!);
      const without = new Set(reachedBy(graph, index, rest).map((v) => index.ids[v]));
      for (const f of failing) if (all.has(f) && !without.has(f)) union(c, f);
    }
  }
  const groups = new Map<string, { cause: Set<string>; failing: Set<string> }>();
  for (const c of cause) {
    const g = groups.get(find(c)) ?? { cause: new Set(), failing: new Set() };
    g.cause.add(c);
    groups.set(find(c), g);
  }
  for (const f of failing) {
    if (!parent.has(f)) continue; // not explained (cannot happen: every failing CI is covered)
    groups.get(find(f))!.failing.add(f);
  }
  return [...groups.values()];
}

/** CIs upstream of the cause whose change could have brought it down (their down set reaches a cause CI), within 3 hops. */
function upstreamOfCause(graph: CIGraph, cause: readonly string[]): string[] {
  const out = new Set<string>();
  let frontier = [...cause];
  for (let hop = 0; hop < 3 && frontier.length; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      graph.forEachOutEdge(id, (_e, attrs, _s, target) => {
        if (['dependsOn', 'runsOn', 'hostedOn'].includes(attrs.type) && !out.has(target)) {
          out.add(target);
          next.push(target);
        }
      });
      graph.forEachInEdge(id, (_e, attrs, source) => {
        if (attrs.type === 'contains' && !out.has(source)) {
          out.add(source);
          next.push(source);
        }
      });
    }
    frontier = next;
  }
  return [...out];
}

/** Something a receiver should hear about: another cause, other symptoms or conditions, other services or risk level, another likely change. */
function newsIn(a: CorrelatedIncident, b: CorrelatedIncident): boolean {
  const key = (i: CorrelatedIncident): string =>
    JSON.stringify([
      i.severity,
      i.cause.map((c) => [c.id, c.conditions.map((x) => [x.kind, x.detail, x.severity])]),
      i.symptoms.map((s) => [s.ci.id, s.conditions.map((x) => [x.kind, x.detail, x.severity])]),
      i.related.map((r) => [r.ci, r.kind, r.detail, r.severity]),
      i.businessServices.map((s) => [s.id, s.state, s.criticality]),
      i.risk.level,
      i.change?.run,
    ]);
  return key(a) !== key(b);
}

function view(c: Condition): ConditionView {
  return { kind: c.kind, detail: c.detail, severity: c.severity, since: c.since };
}

function bySeverity(a: ConditionView, b: ConditionView): number {
  return EVENT_SEVERITIES.indexOf(a.severity) - EVENT_SEVERITIES.indexOf(b.severity) || compare(a.kind, b.kind);
}

function nameOf(graph: CIGraph, id: string): CIName {
  if (graph.hasNode(id)) {
    const ci = graph.getNodeAttribute(id, 'ci');
    return { id, kind: ci.kind, name: ci.name, namespace: ci.namespace };
  }
  const ref = parseRef(id);
  return ref ? { id, kind: ref.kind, name: ref.name, namespace: ref.namespace } : { id, kind: '', name: id, namespace: '' };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
