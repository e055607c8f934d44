import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The controller's Prometheus metrics, on a registry of their own (so tests and
 * two controllers in one process never share counters). Names follow the
 * Prometheus conventions: `plumb_` prefix, base units, `_total` counters.
 *
 * | metric | type | what |
 * |---|---|---|
 * | plumb_reconcile_duration_seconds{result} | histogram | one reconcile, fetch to report |
 * | plumb_reconcile_failures_total{kind} | counter | transient / terminal failures |
 * | plumb_applies_total{result} | counter | applies by outcome (succeeded, failed, rolled-back, aborted) |
 * | plumb_policy_denials_total | counter | reconciles a policy denied |
 * | plumb_drift_cis | gauge | CIs whose actual state differs from Git in the last plan |
 * | plumb_unmanaged_cis | gauge | observed objects with no desired CI |
 * | plumb_last_successful_revision_info{revision} | gauge (1) | the revision last reconciled successfully |
 * | plumb_leader | gauge | 1 while this replica holds the lease |
 */
export interface ControllerMetrics {
  readonly registry: Registry;
  readonly reconcileDuration: Histogram<'result'>;
  readonly failures: Counter<'kind'>;
  readonly applies: Counter<'result'>;
  readonly policyDenials: Counter;
  readonly drift: Gauge;
  readonly unmanaged: Gauge;
  readonly lastSuccessfulRevision: Gauge<'revision'>;
  readonly leader: Gauge;
  /** Sets the info gauge to exactly one revision. */
  setLastSuccessfulRevision(revision: string): void;
}

export function createControllerMetrics(options: { defaultMetrics?: boolean } = {}): ControllerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'plumb_' });
  const registers = [registry];
  const lastSuccessfulRevision = new Gauge({
    name: 'plumb_last_successful_revision_info',
    help: 'The source revision last reconciled successfully (value is always 1).',
    labelNames: ['revision'] as const,
    registers,
  });
  return {
    registry,
    reconcileDuration: new Histogram({
      name: 'plumb_reconcile_duration_seconds',
      help: 'Duration of one reconcile: fetch, load, plan, apply and report.',
      labelNames: ['result'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    failures: new Counter({
      name: 'plumb_reconcile_failures_total',
      help: 'Failed reconciles by kind (transient or terminal).',
      labelNames: ['kind'] as const,
      registers,
    }),
    applies: new Counter({ name: 'plumb_applies_total', help: 'Applies by outcome.', labelNames: ['result'] as const, registers }),
    policyDenials: new Counter({ name: 'plumb_policy_denials_total', help: 'Reconciles refused because a policy denied the plan.', registers }),
    drift: new Gauge({ name: 'plumb_drift_cis', help: 'CIs whose actual state differs from the desired state in the last plan.', registers }),
    unmanaged: new Gauge({ name: 'plumb_unmanaged_cis', help: 'Observed objects with no desired CI in the last plan.', registers }),
    lastSuccessfulRevision,
    leader: new Gauge({ name: 'plumb_leader', help: '1 while this replica holds the leader lease.', registers }),
    setLastSuccessfulRevision(revision: string) {
      lastSuccessfulRevision.reset();
      lastSuccessfulRevision.set({ revision }, 1);
    },
  };
}
