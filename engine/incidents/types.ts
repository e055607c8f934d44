import type { ImpactState } from '../model/relations.js';
import type { ImpactSummary } from '../plan/types.js';

/** A business service an incident hits, with its criticality and the state it is in. */
export interface IncidentService {
  readonly id: string;
  readonly criticality: string;
  readonly state: ImpactState;
}

/** A CI that failed its check in this round (what probe-endpoints.ts reports, before it becomes a health event). */
export interface Failure {
  /** CI identity. */
  readonly ci: string;
  /** Human reason; keep it stable while nothing changes (no latencies in it), since a new reason sends an update. */
  readonly reason: string;
  /** Default `down`. Other kinds (e.g. `certificate-expiring`) are separate conditions. */
  readonly kind?: string;
}

/** A CI whose check passed in this round; clears its `down` condition (or the one of `kind`). */
export type Recovery = string | { readonly ci: string; readonly kind?: string };

/**
 * Perceived severity of a health event, in the terms of ITU-T X.733 (see
 * engine/correlate/events.ts for what each means to the correlator).
 */
export type EventSeverity = 'critical' | 'major' | 'minor' | 'warning' | 'cleared';

/** One step of an explanation: a CI, and the relation (read from it towards the CI before it) the outage took. */
export interface PathStep {
  readonly ci: string;
  /** `dependsOn`, `runsOn`, `containedBy`, `hasMember`…; absent for the cause. */
  readonly via?: string;
}

/** A CI as the payload names it. */
export interface CIName {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/** An ongoing condition of one CI: the latest event of its `(ci, kind)`. */
export interface Condition {
  readonly ci: string;
  readonly kind: string;
  readonly detail: string;
  readonly severity: Exclude<EventSeverity, 'cleared'>;
  /** ISO 8601: the first event of this condition. */
  readonly since: string;
  /** ISO 8601: the latest event of it. */
  readonly lastSeen: string;
  readonly source?: string;
}

/** A failing CI the cause explains, with how. */
export interface Symptom {
  readonly ci: CIName;
  /** Its conditions, worst first. */
  readonly conditions: readonly ConditionView[];
  /** Cause first, this CI last; each step names the relation read from it towards the step before. */
  readonly path: readonly PathStep[];
}

export type ConditionView = Pick<Condition, 'kind' | 'detail' | 'severity' | 'since'>;

/** A suspected cause CI, with what was observed on it (nothing when it is inferred only, e.g. a host that cannot report). */
export interface CauseCI extends CIName {
  readonly conditions: readonly ConditionView[];
}

/**
 * The apply that most likely triggered the incident: it changed the cause, a
 * symptom, or a CI upstream of the cause within `changeLookback` before the
 * incident began (from the audit log).
 */
export interface LikelyChange {
  /** The audit log's run id. */
  readonly run: string;
  /** ISO 8601: when the run finished. */
  readonly time: string;
  readonly user: string;
  readonly revision: string | null;
  readonly planHash: string | null;
  readonly outcome: string;
  /** The changes of the run that touched the incident's CIs or what they depend on. */
  readonly changes: readonly { readonly id: string; readonly action: string; readonly wave: number; readonly target: string }[];
  /** The backup taken before the first of those changes' waves (absent when none was taken). */
  readonly backup?: string;
  /** The command that puts those CIs back as they were: `plumb restore <backup> <ref>...`. */
  readonly restore?: string;
}

/** A correlated incident as the correlator keeps it (and `plumb incidents` shows it). */
export interface CorrelatedIncident {
  /** Stable for the incident's life; see docs/incidents.md. */
  readonly dedupeKey: string;
  readonly status: 'open' | 'resolved';
  /** `down` for an outage; the condition kind for a warning-only incident (e.g. `predicted-exhaustion`). */
  readonly failure: string;
  /** Highest severity among its conditions. */
  readonly severity: Exclude<EventSeverity, 'cleared'>;
  /** The suspected root cause (the smallest set whose `down` explains every failing CI), sorted. */
  readonly cause: readonly CauseCI[];
  /** Ranked alternatives to the cause set, best first. */
  readonly alternatives: readonly { readonly cause: readonly string[]; readonly score: number }[];
  /** Failing CIs other than the cause, by identity. */
  readonly symptoms: readonly Symptom[];
  /** Warnings (minor/warning) on CIs the cause reaches: reported, not explained. */
  readonly related: readonly (ConditionView & { readonly ci: string })[];
  readonly businessServices: readonly IncidentService[];
  readonly risk: ImpactSummary['risk'];
  readonly change?: LikelyChange;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly resolvedAt?: string;
  /** When the last message was sent (ISO 8601). */
  readonly lastSentAt: string;
  readonly revision: number;
  /** Times it recovered and failed again within the flap window. */
  readonly reopened: number;
  /** ISO 8601 of the last reopen. */
  readonly reopenedAt?: string;
  /** Why it resolved, when it did (`recovered`, `merged into <key>`, `the CI is no longer in the inventory`). */
  readonly resolution?: string;
}

/** Webhook payload, schema version 2 (schemas/incident-webhook.schema.json). */
export interface IncidentPayloadV2 {
  readonly schemaVersion: 2;
  readonly dedupeKey: string;
  readonly action: 'open' | 'update' | 'resolve';
  readonly summary: string;
  /** The first cause CI (what version 1 receivers read). */
  readonly ci: CIName;
  readonly failure: string;
  /** The cause's own observation, or `inferred: explains N failing CIs`. */
  readonly reason: string;
  readonly severity: CorrelatedIncident['severity'];
  readonly cause: readonly CauseCI[];
  readonly alternatives: CorrelatedIncident['alternatives'];
  readonly symptoms: readonly Symptom[];
  readonly related: CorrelatedIncident['related'];
  readonly businessServices: readonly IncidentService[];
  readonly risk: ImpactSummary['risk'];
  readonly change?: LikelyChange;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly resolvedAt?: string;
  readonly resolution?: string;
  readonly reopened: number;
  readonly revision: number;
}
