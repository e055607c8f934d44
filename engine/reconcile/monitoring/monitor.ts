import { createHash } from 'node:crypto';
import { setRepositoryReach } from '../../network/reach-policy.js';
import { setMaxListeners } from 'node:events';
import { join, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import { configPositions } from '../../config/config-position.js';
import { CONFIG_FILE } from '../../config/load-config.js';
import { validateNotifications, type NotificationSettings, type NotifyEvent } from '../../config/notifications.js';
import { incidentDeliveryKey, incidentMessages } from '../../incidents/incident-messages.js';
import { stateDir as plumbStateDir } from '../../apply/state-dir.js';
import { createJsonlAuditLog } from '../../audit/jsonl-audit-log.js';
import { IncidentCorrelator } from '../../correlate/correlator.js';
import { auditChangeFinder } from '../../correlate/likely-change.js';
import { collectHealthEvents } from '../../correlate/signals/collect.js';
import type { IncidentPayloadV2 } from '../../incidents/types.js';
import type { OpenIncident } from '../status.js';
import type { MetricsSource } from '../../capacity/metrics-source.js';
import type { LoadedRepository } from '../../load/types.js';
import { openSource } from '../../load/open-source.js';
import { hasErrors, type Diagnostic } from '../../model/diagnostic.js';
import { Outbox, type Destination, type OutboxEvent, type OutboxMessage } from '../../notify/outbox.js';
import { slackMessage, type Notification } from '../../incidents/slack-message.js';
import type { DesiredState } from '../desired-state.js';
import type { ControllerLogger } from '../logger.js';
import type { ReconcileRound } from '../reconciler.js';
import { CapacityWatch } from './capacity-watch.js';
import { mayAutoRestore, restoreLikelyChange } from './auto-restore.js';
import { ChangeNotices } from './change-notices.js';
import { resolveDestinations } from './destinations.js';
import { createMonitorMetrics, type MonitorMetrics } from './monitor-metrics.js';
import type { ProbeRound } from '../../correlate/signals/probe-endpoints.js';

export interface MonitorOptions {
  readonly logger: ControllerLogger;
  /** The controller's metrics registry. */
  readonly registry: Registry;
  /** Overrides `notifications.stateDir` (the controller's `--state-dir`: a persistent volume). */
  readonly stateDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => Date;
  /** Injectable for tests: the probe round (default probeEndpoints). */
  readonly probe?: (desired: DesiredState, signal: AbortSignal) => Promise<ProbeRound>;
  /** kubeconfig/context of the command line, for the Kubernetes health signals. */
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  /** Injectable for tests: the metrics source of the capacity round (default plumb.yaml's `metrics:`). */
  readonly metricsSource?: (repo: LoadedRepository) => Promise<MetricsSource>;
}

/** The settings in force, and what they were derived from. */
interface Configured {
  readonly settings: NotificationSettings;
  readonly destinations: Readonly<Record<string, Destination>>;
  readonly stateDir: string;
}

/**
 * Monitoring and notifications, run after every reconcile of the leader
 * (Reconciler's `onReconciled`), top to bottom:
 *
 * 1. configure — plumb.yaml `notifications` of the revision reconciled
 *    (engine/config/notifications.ts), secrets from the environment or files;
 *    an invalid section keeps the last good one, and says why at file:line;
 * 2. health signals from every provider that can observe health
 *    (engine/correlate/signals/collect.ts: endpoint probes, Kubernetes
 *    workloads, exec plugins' health, host thresholds) → the
 *    IncidentCorrelator, which groups them into incidents over the
 *    revision's graph (root cause, symptoms, business services hit, the
 *    apply from the audit log that likely triggered it); its actions go to
 *    the outbox — incident payloads to `itsm`, chat messages to `slack`;
 * 3. drift, apply and failure notices (change-notices.ts) to `slack`.
 *
 * The outbox delivers in the background, with retries, from the moment it
 * is configured until `stop()`. A round whose signal was aborted (the
 * controller is stopping) records no observation: an aborted probe is not an
 * outage. Nothing here fails a reconcile; errors are the caller's to log.
 */
export class Monitor {
  private readonly metrics: MonitorMetrics;
  private readonly capacity: CapacityWatch;
  private readonly notices = new ChangeNotices();
  private configured?: Configured;
  private validated?: { key: string; settings: NotificationSettings; diagnostics: Diagnostic[] };
  private good?: NotificationSettings;
  private outbox?: { outbox: Outbox; key: string };
  private tracker?: { tracker: IncidentCorrelator; key: string };
  private readonly reported = new Map<string, string>();
  /** `dedupeKey run` of the incidents whose likely change was restored by policy (never twice). */
  private readonly autoRestored = new Set<string>();
  private sequence = 0;

  constructor(private readonly options: MonitorOptions) {
    this.metrics = createMonitorMetrics(options.registry);
    this.capacity = new CapacityWatch({
      registry: options.registry,
      logger: options.logger,
      ...(options.metricsSource ? { source: options.metricsSource } : {}),
    });
  }

  /**
   * The incidents held open after the last round, oldest first, as the
   * controller's status lists them (engine/reconcile/status.ts); none before
   * the first round or without a state directory.
   */
  openIncidents(): OpenIncident[] {
    const open = this.tracker?.tracker.openIncidents() ?? [];
    return [...open]
      .sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.dedupeKey < b.dedupeKey ? -1 : 1))
      .map((i) => ({
        dedupeKey: i.dedupeKey,
        severity: i.severity,
        failure: i.failure,
        cause: i.cause.map((c) => c.id),
        symptoms: i.symptoms.length,
        businessServices: i.businessServices.map((b) => b.id),
        firstSeen: i.firstSeen,
        ...(i.change?.restore ? { restore: i.change.restore } : {}),
      }));
  }

  async round(round: ReconcileRound): Promise<void> {
    if (round.desired) await this.configure(round.desired);
    const configured = this.configured;
    if (!configured) return;
    const log = this.options.logger;
    const now = (this.options.now ?? (() => new Date()))();

    const desired = round.desired;
    if (desired) {
      const probe = this.options.probe;
      const signals = await withProbeSignal(round.signal, (signal) =>
        collectHealthEvents(desired.repo, { now, signal, cliSettings: this.options.cliSettings, ...(probe ? { probe: (_repo, s) => probe(desired, s) } : {}) }),
      );
      if (round.signal.aborted) return;
      this.metrics.endpointsProbed.set(signals.probed);
      this.metrics.endpointsDown.set(signals.down);
      this.report(signals.diagnostics, 'health signals');
      // capacity forecasts on their own interval (plumb.yaml metrics:): predicted exhaustion and anomalies
      const capacity = await this.capacity.round(desired.repo, desired.revision, now, round.signal).catch((e: unknown) => {
        log.warn({ error: e instanceof Error ? e.message : String(e) }, 'capacity round failed');
        return undefined;
      });
      if (round.signal.aborted) return;
      if (capacity) signals.events.push(...capacity);
      // evaluated even when nothing was observed: an incident whose CIs left the inventory is resolved
      const tracker = await this.openTracker(configured, desired);
      tracker.submit(signals.events);
      const actions = await tracker.evaluate({ now, graph: desired.graph });
      for (const a of actions) {
        log.info(
          {
            incident: a.dedupeKey.slice(0, 12),
            action: a.action,
            cause: a.cause.map((c) => c.id),
            symptoms: a.symptoms.length,
            revision: a.revision,
            businessServices: a.businessServices.map((s) => s.id),
            ...(a.change ? { change: a.change.run } : {}),
          },
          `incident ${a.action}: ${a.summary}`,
        );
      }
      this.metrics.setOpenIncidents(tracker.openIncidents());
      await this.autoRestore(configured, desired, tracker, round.signal, now);
    }

    const notices = this.notices.of(round).filter((n) => this.tells(n.type));
    if (notices.length && this.outbox) {
      await this.outbox.outbox.enqueue(notices.map((n) => this.slack(n, `${n.type}:${now.getTime()}-${++this.sequence}`)));
    }
    this.metrics.pending.set(this.outbox?.outbox.pending().length ?? 0);
  }

  /**
   * plumb.yaml `notifications.correlation.autoRestore`: restores an open
   * incident's likely change when the policy allows (auto-restore.ts) — once
   * per incident and run, whatever the outcome; the result is logged and told
   * to Slack. The recovery that follows resolves the incident as usual.
   */
  private async autoRestore(c: Configured, desired: DesiredState, tracker: IncidentCorrelator, signal: AbortSignal, now: Date): Promise<void> {
    const policy = c.settings.correlation.autoRestore;
    if (!policy) return;
    const log = this.options.logger;
    for (const incident of tracker.openIncidents()) {
      const change = incident.change;
      if (!change || !mayAutoRestore(policy, incident)) continue;
      const key = `${incident.dedupeKey} ${change.run}`;
      if (this.autoRestored.has(key) || signal.aborted) continue;
      this.autoRestored.add(key);
      log.warn(
        { incident: incident.dedupeKey.slice(0, 12), run: change.run, backup: change.backup },
        `auto-restore (plumb.yaml notifications.correlation.autoRestore): ${change.restore}`,
      );
      try {
        const report = await restoreLikelyChange(desired, change, { cliSettings: this.options.cliSettings, signal });
        const restored = report.changes.filter((ch) => ch.result === 'applied').map((ch) => ch.id);
        log[report.outcome === 'succeeded' ? 'info' : 'error'](
          { incident: incident.dedupeKey.slice(0, 12), restoreRun: report.run, restored },
          `auto-restore ${report.outcome}: ${restored.length} of ${report.changes.length} restored from backup ${report.backup}`,
        );
        if (this.outbox && this.tells('apply')) {
          await this.outbox.outbox.enqueue([
            this.slack(
              {
                type: 'apply',
                revision: desired.revision,
                ok: report.outcome === 'succeeded',
                summary: { create: 0, update: restored.length, delete: 0 },
                restored,
                ...(report.outcome === 'succeeded' ? {} : { failed: report.changes.filter((ch) => ch.result !== 'applied').map((ch) => ch.id) }),
              },
              `auto-restore:${report.run}:${now.getTime()}`,
            ),
          ]);
        }
      } catch (e) {
        log.error({ incident: incident.dedupeKey.slice(0, 12), error: e instanceof Error ? e.message : String(e) }, 'auto-restore failed');
      }
    }
  }

  /** Stops background delivery (what is pending stays in the outbox file for the next start). */
  async stop(): Promise<void> {
    await this.outbox?.outbox.stop();
    this.outbox = undefined;
  }

  private async configure(desired: DesiredState): Promise<void> {
    const { repo } = desired;
    setRepositoryReach(repo.config.network);
    const raw = repo.config.notifications;
    const key = JSON.stringify(raw);
    if (this.validated?.key !== key) {
      const first = validateNotifications(raw);
      const positioned = hasErrors(first.diagnostics) ? validateNotifications(raw, await positionsOf(desired)) : first;
      this.validated = { key, ...positioned };
      if (!hasErrors(positioned.diagnostics)) this.good = positioned.settings;
    }
    const settings = hasErrors(this.validated.diagnostics) && this.good ? this.good : this.validated.settings;
    const resolved = resolveDestinations(settings, { root: repo.root, env: this.options.env });
    const destinations = { ...resolved.destinations };
    // a destination whose secret cannot be read this round keeps its last good values rather than losing messages
    for (const name of ['itsm', 'slack'] as const) {
      if (settings[name] && !destinations[name] && this.configured?.destinations[name]) destinations[name] = this.configured.destinations[name];
    }
    this.report([...this.validated.diagnostics, ...resolved.diagnostics], 'notifications');
    const stateDir = resolve(this.options.stateDir ?? resolve(repo.root, settings.stateDir));
    this.configured = { settings, destinations, stateDir };
    await this.openOutbox(this.configured);
  }

  /** (Re)opens the outbox when its file, destinations or backoff change; none without a destination. */
  private async openOutbox(c: Configured): Promise<void> {
    const names = Object.keys(c.destinations).sort();
    const key = names.length ? fingerprint({ dir: c.stateDir, destinations: names.map((n) => [n, c.destinations[n]]), retry: c.settings.retry }) : '';
    if (this.outbox?.key === key) return;
    await this.stop();
    if (!key) return;
    const outbox = await Outbox.open({
      path: join(c.stateDir, 'outbox.jsonl'),
      destinations: c.destinations,
      backoff: c.settings.retry,
      onEvent: (e) => this.delivery(e),
    });
    outbox.start();
    this.outbox = { outbox, key };
    this.options.logger.info({ destinations: names, stateDir: c.stateDir, pending: outbox.pending().length }, 'notification outbox started');
  }

  private async openTracker(c: Configured, desired: DesiredState): Promise<IncidentCorrelator> {
    const updateEveryMs = c.settings.itsm?.updateEveryMs;
    const correlation = c.settings.correlation;
    const audit = plumbStateDir(desired.repo.root).audit;
    const key = JSON.stringify([c.stateDir, updateEveryMs, correlation, audit]);
    if (this.tracker?.key === key) return this.tracker.tracker;
    const tracker = await IncidentCorrelator.open({
      statePath: join(c.stateDir, 'incidents.json'),
      ...(updateEveryMs !== undefined ? { updateEveryMs } : {}),
      windowMs: correlation.windowMs,
      flapWindowMs: correlation.flapWindowMs,
      likelyChange: auditChangeFinder(createJsonlAuditLog(audit), { lookbackMs: correlation.changeLookbackMs }),
      emit: (actions) => this.emit(actions),
    });
    this.tracker = { tracker, key };
    return tracker;
  }

  /** Incident actions → the outbox: payloads to `itsm`, chat messages to `slack` (same idempotency scheme). */
  private async emit(actions: readonly IncidentPayloadV2[]): Promise<void> {
    const outbox = this.outbox?.outbox;
    const destinations = this.configured?.destinations ?? {};
    if (!outbox) return;
    const messages: OutboxMessage[] = [];
    if (destinations.itsm) messages.push(...incidentMessages(actions, 'itsm'));
    if (destinations.slack && this.tells('incident')) {
      messages.push(...actions.map((incident) => this.slack({ type: 'incident', incident }, incidentDeliveryKey(incident))));
    }
    if (messages.length) await outbox.enqueue(messages);
  }

  private tells(event: NotifyEvent): boolean {
    return Boolean(this.configured?.destinations.slack && this.configured.settings.slack?.events.includes(event));
  }

  /** Chat messages share one group: they arrive in the order they happened. */
  private slack(n: Notification, key: string): OutboxMessage {
    return { destination: 'slack', group: 'slack', key: `slack:${key}`, payload: slackMessage(n) };
  }

  private delivery(e: OutboxEvent): void {
    const destination = e.entry.destination;
    const log = this.options.logger;
    if (e.type === 'delivered') this.metrics.delivered.inc({ destination });
    else if (e.type === 'retry') {
      this.metrics.failed.inc({ destination, outcome: 'retry' });
      log.warn({ destination, key: e.entry.key, attempts: e.entry.attempts, retryInMs: e.delayMs }, `notification not delivered (${e.error}); retrying`);
    } else {
      this.metrics.failed.inc({ destination, outcome: 'dead' });
      log.error({ destination, key: e.entry.key }, `notification given up (${e.error}); kept in the outbox's .dead file`);
    }
    this.metrics.pending.set(this.outbox?.outbox.pending().length ?? 0);
  }

  /** Logs configuration and probe problems once per distinct set, not every round. */
  private report(diagnostics: readonly Diagnostic[], what: string): void {
    const text = JSON.stringify(diagnostics);
    if (text === (this.reported.get(what) ?? '[]')) return;
    this.reported.set(what, text);
    for (const d of diagnostics) {
      const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 0}` : ''}: ` : '';
      this.options.logger[d.severity === 'error' ? 'error' : 'warn']({ code: d.code, hint: d.hint, ci: d.ci }, `${what}: ${where}${d.message}`);
    }
  }
}

/**
 * Runs the probes on a signal of their own that follows the reconcile's: each
 * probe in flight listens on it (16 at once by default), which would trip
 * Node's listener-leak warning — a non-JSON line in the logs — on the loop's
 * long-lived signal.
 */
async function withProbeSignal<T>(parent: AbortSignal, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  try {
    return await run(controller.signal);
  } finally {
    parent.removeEventListener('abort', onAbort);
  }
}

/** plumb.yaml positions of the revision, read only when a diagnostic needs them. */
async function positionsOf(desired: DesiredState): Promise<(pointer: string) => Pick<Diagnostic, 'file' | 'line' | 'column'>> {
  const fallback = () => ({ file: CONFIG_FILE });
  try {
    const source = await openSource({ root: desired.repo.root, ...(desired.artifact.rev ? { rev: desired.artifact.rev } : {}) });
    try {
      const bytes = await source.read(CONFIG_FILE);
      return bytes === undefined ? fallback : configPositions(Buffer.from(bytes).toString('utf8'));
    } finally {
      await source.close();
    }
  } catch {
    return fallback;
  }
}

/** A digest of settings that include secrets: compared, never shown. */
function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
