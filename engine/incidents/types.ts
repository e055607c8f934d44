import type { ImpactState } from '../model/relations.js';
import type { ImpactSummary } from '../plan/types.js';

/**
 * The webhook payload of an incident (schemas/incident-webhook.schema.json,
 * docs/incidents.md). One incident per ongoing failure of one CI: `open`
 * once, `update` while it lasts, `resolve` when it recovers — all with the
 * same `dedupeKey`, `revision` counting up.
 */
export interface IncidentPayload {
  /** sha256 hex of `ciId \n failureKind`: the same for every message about this failure, and for a later recurrence. */
  readonly dedupeKey: string;
  readonly action: IncidentAction;
  /** One line for a ticket title. */
  readonly summary: string;
  readonly ci: { readonly id: string; readonly kind: string; readonly name: string; readonly namespace: string };
  /** Failure kind, e.g. `down` or `certificate-expiring`. */
  readonly failure: string;
  /** The latest reason given (e.g. `connection refused`); for a resolve, the last reason before recovery. */
  readonly reason: string;
  readonly businessServices: readonly IncidentService[];
  readonly risk: ImpactSummary['risk'];
  /** ISO 8601. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly resolvedAt?: string;
  /** 1, 2, 3… per dedupe key across recurrences: `dedupeKey:revision` is the delivery's idempotency key. */
  readonly revision: number;
}

export type IncidentAction = 'open' | 'update' | 'resolve';

export interface IncidentService {
  readonly id: string;
  readonly criticality: string;
  readonly state: ImpactState;
}

/** A CI that failed its check in this round. */
export interface Failure {
  /** CI identity. */
  readonly ci: string;
  /** Human reason; keep it stable while nothing changes (no latencies in it), since a new reason sends an update. */
  readonly reason: string;
  /** Default `down`: the CI is simulated down. Other kinds (e.g. `certificate-expiring`) are separate incidents. */
  readonly kind?: string;
}

/** A CI whose check passed in this round; resolves every open incident of it (or only those of `kind`). */
export type Recovery = string | { readonly ci: string; readonly kind?: string };
