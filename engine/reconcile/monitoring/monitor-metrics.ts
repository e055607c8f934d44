import { Counter, Gauge, type Registry } from 'prom-client';
import type { CorrelatedIncident } from '../../incidents/types.js';

/** Criticalities a label takes, worst first; an incident that hits no business service counts as `none`. */
const CRITICALITY_ORDER = ['critical', 'high', 'medium', 'low'];

/**
 * The monitoring half of the controller's metrics, on the controller's
 * registry (engine/metrics/controller-metrics.ts has the reconcile half).
 *
 * | metric | type | what |
 * |---|---|---|
 * | plumb_incidents_open | gauge | incidents open now (one per correlated outage, or warning condition) |
 * | plumb_incidents_open_by_criticality{criticality} | gauge | of which by the highest criticality of the business services they take down or degrade (`none` when none) |
 * | plumb_endpoints_probed | gauge | Endpoint CIs probed in the last round |
 * | plumb_endpoints_down | gauge | of which down |
 * | plumb_notifications_delivered_total{destination} | counter | webhook deliveries a receiver accepted (2xx) |
 * | plumb_notifications_failed_total{destination,outcome} | counter | failed attempts: `retry` (will be tried again) or `dead` (given up) |
 * | plumb_notifications_pending | gauge | messages in the outbox not delivered yet |
 */
export interface MonitorMetrics {
  readonly incidentsOpen: Gauge;
  readonly incidentsByCriticality: Gauge<'criticality'>;
  /** Sets both incident gauges from the open incidents (every criticality seen stays exported, at 0 when none is open). */
  setOpenIncidents(open: readonly CorrelatedIncident[]): void;
  readonly endpointsProbed: Gauge;
  readonly endpointsDown: Gauge;
  readonly delivered: Counter<'destination'>;
  readonly failed: Counter<'destination' | 'outcome'>;
  readonly pending: Gauge;
}

export function createMonitorMetrics(registry: Registry): MonitorMetrics {
  const registers = [registry];
  const incidentsOpen = new Gauge({ name: 'plumb_incidents_open', help: 'Incidents open now (one per correlated outage, or warning condition).', registers });
  const incidentsByCriticality = new Gauge({
    name: 'plumb_incidents_open_by_criticality',
    help: 'Open incidents by the highest criticality of the business services they take down or degrade (none: no service hit).',
    labelNames: ['criticality'] as const,
    registers,
  });
  for (const c of [...CRITICALITY_ORDER, 'none']) incidentsByCriticality.set({ criticality: c }, 0);
  return {
    incidentsOpen,
    incidentsByCriticality,
    setOpenIncidents(open) {
      incidentsOpen.set(open.length);
      const counts = new Map<string, number>([...CRITICALITY_ORDER, 'none'].map((c) => [c, 0]));
      for (const i of open) {
        const hit = i.businessServices.filter((s) => s.state === 'down' || s.state === 'degraded').map((s) => s.criticality);
        const worst = hit.sort((a, b) => rank(a) - rank(b))[0] ?? 'none';
        counts.set(worst, (counts.get(worst) ?? 0) + 1);
      }
      for (const [c, n] of counts) incidentsByCriticality.set({ criticality: c }, n);
    },
    endpointsProbed: new Gauge({ name: 'plumb_endpoints_probed', help: 'Endpoint CIs probed in the last monitoring round.', registers }),
    endpointsDown: new Gauge({ name: 'plumb_endpoints_down', help: 'Endpoint CIs whose probe failed in the last monitoring round.', registers }),
    delivered: new Counter({
      name: 'plumb_notifications_delivered_total',
      help: 'Notifications a receiver accepted, by destination.',
      labelNames: ['destination'] as const,
      registers,
    }),
    failed: new Counter({
      name: 'plumb_notifications_failed_total',
      help: 'Failed delivery attempts by destination; outcome retry (tried again later) or dead (given up).',
      labelNames: ['destination', 'outcome'] as const,
      registers,
    }),
    pending: new Gauge({ name: 'plumb_notifications_pending', help: 'Notifications in the outbox not delivered yet.', registers }),
  };
}

function rank(criticality: string): number {
  const i = CRITICALITY_ORDER.indexOf(criticality);
  return i === -1 ? CRITICALITY_ORDER.length : i;
}
