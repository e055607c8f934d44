import { Counter, Gauge, type Registry } from 'prom-client';
import { evaluateCapacity } from '../../capacity/evaluate.js';
import { metricsSettings, openMetricsSource } from '../../capacity/metrics-config.js';
import type { MetricsSource } from '../../capacity/metrics-source.js';
import { MetricsError } from '../../capacity/prometheus.js';
import { signalsOf } from '../../capacity/signals.js';
import type { SignalReport } from '../../capacity/types.js';
import type { HealthEvent } from '../../correlate/events.js';
import { capacityEvents } from '../../correlate/signals/capacity-signals.js';
import type { LoadedRepository } from '../../load/types.js';
import type { ControllerLogger } from '../logger.js';

const STATUS_VALUE = { unknown: -1, ok: 0, warning: 1, critical: 2 } as const;

/**
 * The controller's capacity round (plumb.yaml `metrics:`): every
 * `metrics.interval` (default 15 m; checked after each reconcile, so never
 * more often than reconciles run) it evaluates every signal of the revision
 * in force, exports the figures as metrics, and — with `metrics.incidents`
 * (default true) — hands `predicted-exhaustion` and `anomaly` events to the
 * incident correlator, which opens, updates and resolves proactive incidents
 * ("predicted exhaustion…") through the same outbox as outages.
 *
 * | metric | type | what |
 * |---|---|---|
 * | plumb_capacity_status{ci,signal} | gauge | -1 unknown, 0 ok, 1 warning, 2 critical |
 * | plumb_capacity_days_to_exhaustion{ci,signal} | gauge | days until capacity is reached (+Inf: not within a year) |
 * | plumb_capacity_days_to_limit{ci,signal} | gauge | days until the headroom limit is passed (+Inf likewise) |
 * | plumb_capacity_usage_ratio{ci,signal} | gauge | usage now / capacity |
 * | plumb_capacity_anomalies{ci,signal} | gauge | anomalies in the signal's lookback |
 * | plumb_capacity_signals{status} | gauge | signals by status |
 * | plumb_capacity_rounds_total{outcome} | counter | forecast rounds: ok, or failed (the source could not be opened) |
 * | plumb_capacity_round_seconds | gauge | how long the last round took |
 *
 * Series of signals that left the inventory are dropped each round.
 */
export class CapacityWatch {
  private last?: { at: number; revision: string };
  private readonly gauges: {
    status: Gauge<'ci' | 'signal'>;
    exhaustion: Gauge<'ci' | 'signal'>;
    limit: Gauge<'ci' | 'signal'>;
    ratio: Gauge<'ci' | 'signal'>;
    anomalies: Gauge<'ci' | 'signal'>;
    byStatus: Gauge<'status'>;
    seconds: Gauge;
  };
  private readonly rounds: Counter<'outcome'>;

  constructor(
    private readonly options: {
      readonly registry: Registry;
      readonly logger: ControllerLogger;
      /** Injectable for tests: the source instead of plumb.yaml's. */
      readonly source?: (repo: LoadedRepository) => Promise<MetricsSource>;
    },
  ) {
    const registers = [options.registry];
    const perSignal = (name: string, help: string) => new Gauge({ name, help, labelNames: ['ci', 'signal'] as const, registers });
    this.gauges = {
      status: perSignal('plumb_capacity_status', 'Capacity signal status: -1 unknown, 0 ok, 1 warning, 2 critical.'),
      exhaustion: perSignal('plumb_capacity_days_to_exhaustion', 'Days until the signal is forecast to reach its capacity (+Inf: not within a year).'),
      limit: perSignal('plumb_capacity_days_to_limit', 'Days until the signal is forecast to pass its headroom limit (+Inf: not within a year).'),
      ratio: perSignal('plumb_capacity_usage_ratio', 'Usage now divided by capacity.'),
      anomalies: perSignal('plumb_capacity_anomalies', "Anomalies found in the signal's lookback."),
      byStatus: new Gauge({ name: 'plumb_capacity_signals', help: 'Capacity signals by status.', labelNames: ['status'] as const, registers }),
      seconds: new Gauge({ name: 'plumb_capacity_round_seconds', help: 'Duration of the last capacity forecast round.', registers }),
    };
    this.rounds = new Counter({
      name: 'plumb_capacity_rounds_total',
      help: 'Capacity forecast rounds by outcome (ok, failed).',
      labelNames: ['outcome'] as const,
      registers,
    });
  }

  /**
   * Runs a round when the interval has passed since the last one (or the
   * revision changed); returns the health events for the correlator, or
   * undefined when no round ran or incidents are off.
   */
  async round(repo: LoadedRepository, revision: string, now: Date, signal: AbortSignal): Promise<HealthEvent[] | undefined> {
    const settings = metricsSettings(repo.config.metrics);
    if (!settings) return undefined;
    const cis = repo.cis.filter((ci) => signalsOf(ci).length > 0);
    if (this.last && this.last.revision === revision && now.getTime() - this.last.at < settings.intervalMs) return undefined;
    this.last = { at: now.getTime(), revision };
    const started = performance.now();
    let reports: SignalReport[];
    try {
      const source = await (this.options.source ?? ((r: LoadedRepository) => openMetricsSource(settings, r.root)))(repo);
      // a recording has its own clock; a live source is read up to now
      reports = await evaluateCapacity(cis, { source, now: source.recordedAt ?? now.getTime(), concurrency: settings.concurrency, signal });
    } catch (e) {
      if (!(e instanceof MetricsError)) throw e;
      this.rounds.inc({ outcome: 'failed' });
      this.options.logger.warn({ error: e.message }, 'capacity forecasts unavailable');
      return undefined;
    }
    if (signal.aborted) return undefined;
    this.export(reports);
    this.rounds.inc({ outcome: 'ok' });
    this.gauges.seconds.set((performance.now() - started) / 1000);
    const atRisk = reports.filter((r) => r.status === 'warning' || r.status === 'critical');
    this.options.logger.info(
      { signals: reports.length, atRisk: atRisk.map((r) => `${r.ci}/${r.signal}`), unknown: reports.filter((r) => r.status === 'unknown').length },
      'capacity forecasts evaluated',
    );
    if (!settings.incidents) return undefined;
    return capacityEvents(reports, { now, recentMs: Math.max(settings.intervalMs, 2 * 3_600_000) });
  }

  private export(reports: readonly SignalReport[]): void {
    const g = this.gauges;
    for (const gauge of [g.status, g.exhaustion, g.limit, g.ratio, g.anomalies, g.byStatus]) gauge.reset();
    const counts = { ok: 0, warning: 0, critical: 0, unknown: 0 };
    for (const r of reports) {
      const labels = { ci: r.ci, signal: r.signal };
      counts[r.status]++;
      g.status.set(labels, STATUS_VALUE[r.status]);
      if (r.status === 'unknown') continue;
      g.exhaustion.set(labels, r.daysToExhaustion ?? Number.POSITIVE_INFINITY);
      g.limit.set(labels, r.daysToLimit ?? Number.POSITIVE_INFINITY);
      if (r.now !== undefined && r.capacity) g.ratio.set(labels, r.now / r.capacity);
      g.anomalies.set(labels, r.anomalies.length);
    }
    for (const [status, n] of Object.entries(counts)) g.byStatus.set({ status }, n);
  }
}
