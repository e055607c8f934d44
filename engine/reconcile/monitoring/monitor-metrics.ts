import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The monitoring half of the controller's metrics, on the controller's
 * registry (engine/metrics/controller-metrics.ts has the reconcile half).
 *
 * | metric | type | what |
 * |---|---|---|
 * | plumb_incidents_open | gauge | incidents open now (one per failing CI and failure kind) |
 * | plumb_endpoints_probed | gauge | Endpoint CIs probed in the last round |
 * | plumb_endpoints_down | gauge | of which down |
 * | plumb_notifications_delivered_total{destination} | counter | webhook deliveries a receiver accepted (2xx) |
 * | plumb_notifications_failed_total{destination,outcome} | counter | failed attempts: `retry` (will be tried again) or `dead` (given up) |
 * | plumb_notifications_pending | gauge | messages in the outbox not delivered yet |
 */
export interface MonitorMetrics {
  readonly incidentsOpen: Gauge;
  readonly endpointsProbed: Gauge;
  readonly endpointsDown: Gauge;
  readonly delivered: Counter<'destination'>;
  readonly failed: Counter<'destination' | 'outcome'>;
  readonly pending: Gauge;
}

export function createMonitorMetrics(registry: Registry): MonitorMetrics {
  const registers = [registry];
  return {
    incidentsOpen: new Gauge({ name: 'plumb_incidents_open', help: 'Incidents open now (one per failing CI and failure kind).', registers }),
    endpointsProbed: new Gauge({ name: 'plumb_endpoints_probed', help: 'Endpoint CIs probed in the last monitoring round.', registers }),
    endpointsDown: new Gauge({ name: 'plumb_endpoints_down', help: 'Endpoint CIs whose probe failed in the last monitoring round.', registers }),
    delivered: new Counter({ name: 'plumb_notifications_delivered_total', help: 'Notifications a receiver accepted, by destination.', labelNames: ['destination'] as const, registers }),
    failed: new Counter({
      name: 'plumb_notifications_failed_total',
      help: 'Failed delivery attempts by destination; outcome retry (tried again later) or dead (given up).',
      labelNames: ['destination', 'outcome'] as const,
      registers,
    }),
    pending: new Gauge({ name: 'plumb_notifications_pending', help: 'Notifications in the outbox not delivered yet.', registers }),
  };
}
