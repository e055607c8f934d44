import type { ApplyHooks } from '../apply/hooks.js';
import type { ApplyContext } from '../apply/open-targets.js';
import { apply as applyOperation } from '../operations/apply.js';
import { plan as planOperation, type PlanOptions } from '../operations/plan.js';
import type { ApplyReport } from '../apply/types.js';
import type { PlumbConfig } from '../config/types.js';
import type { ControllerMetrics } from '../metrics/controller-metrics.js';
import { hasErrors } from '../model/diagnostic.js';
import { backoffDelay, type BackoffPolicy } from '../concurrency/backoff.js';
import { checkPruneGuards } from '../plan/prune-guard.js';
import type { Plan } from '../plan/types.js';
import type { OpenProvider } from '../providers/registry.js';
import type { Source, SourceArtifact } from '../sources/types.js';
import { classifyDiagnostics, classifyError, ReconcileError, type FailureReason } from './classify-error.js';
import { loadDesiredState, type DesiredState } from './desired-state.js';
import type { EventRecorder } from './event-recorder.js';
import type { ControllerLogger } from './logger.js';
import { setCondition, type ControllerStatus } from './status.js';
import { nextApplied, selectSync, type SyncSelection } from './sync-selection.js';
import { denials as blockingResults } from '../policy/denied.js';

export interface ReconcilerOptions {
  readonly source: Source;
  readonly identity: string;
  /** Checked before the reconcile starts and right before every write. */
  readonly isLeader: () => boolean;
  readonly metrics: ControllerMetrics;
  readonly logger: ControllerLogger;
  readonly events?: EventRecorder;
  /** Persists the status (the ConfigMap); failures are logged, never fatal. */
  readonly writeStatus?: (status: ControllerStatus) => Promise<void>;
  /** `--kubeconfig`/`--context` for the providers. */
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  /** Backoff of transient failures (default 1 s doubling to 5 min, equal jitter). */
  readonly backoff?: BackoffPolicy;
  readonly apply?: { readonly concurrency?: number; readonly healthTimeoutMs?: number };
  /**
   * Opens each target's provider, for planning and applying (default: from the
   * revision's plumb.yaml `targets:`). Tests pass the in-memory fake
   * (engine/providers/fake/); the operations close what it returns.
   */
  readonly openProvider?: OpenProvider;
  /** Injectable for tests: the whole apply context (providers, backups, lock, audit); wins over `openProvider` for applying. */
  readonly openContext?: (opts: {
    root: string;
    config: PlumbConfig;
    targets: readonly string[];
    cliSettings?: Readonly<Record<string, unknown>>;
  }) => Promise<ApplyContext>;
  readonly now?: () => Date;
  readonly random?: () => number;
  /** Called with each successfully planned desired state (the drift watch follows it). */
  readonly onDesiredState?: (desired: DesiredState) => void;
  /**
   * Called after every reconcile this replica ran as the leader, once its
   * status is written (monitoring and notifications: engine/reconcile/monitoring/).
   * Awaited, so rounds never overlap; a rejection is logged, never a failure.
   */
  readonly onReconciled?: (round: ReconcileRound) => Promise<void>;
}

/** What one reconcile saw and did, for `onReconciled`. */
export interface ReconcileRound {
  readonly trigger: string;
  readonly outcome: ReconcileOutcome;
  readonly status: ControllerStatus;
  /** The desired state this reconcile worked on (the newest good revision, or the last good one); absent when none loaded. */
  readonly desired?: DesiredState;
  /** The plan, when this reconcile got that far. */
  readonly plan?: Plan;
  /** What the sync policy made of that plan: applied, held (and why), drift. */
  readonly selection?: SyncSelection;
  /** The apply this reconcile ran, if any. */
  readonly report?: ApplyReport;
  /** Aborted when the controller stops: work on it should stop, and an aborted probe is no outage. */
  readonly signal: AbortSignal;
}

export type ReconcileOutcome =
  | { readonly result: 'succeeded' }
  | { readonly result: 'skipped'; readonly reason: string }
  | { readonly result: 'transient'; readonly retryInMs: number; readonly error: ReconcileError }
  | { readonly result: 'terminal'; readonly error: ReconcileError };

/**
 * One reconcile at a time, top to bottom (Flux's kustomize-controller):
 *
 * reconcile() holds the guards and finalises the status:
 * 1. guards — not the leader? skip; the source cannot be fetched? failed
 *    (FetchFailed); load and validate the newest revision once (cached by
 *    revision) — an invalid one is refused for good and the loop goes on with
 *    the last good revision, and with none, nothing is reconciled;
 *
 * reconcileRevision() holds the steps for the revision chosen:
 * 2. discover → plan → policies; a denial refuses the revision the same way
 *    (re-evaluated on the interval: a change window may open), and so does a
 *    prune the guards refuse (an empty target, deletes over the ceiling);
 * 3. select the changes the sync policy allows (sync-selection.ts), and apply
 *    them with backups — checking the lease right before;
 * 4. report: conditions, metrics, Events, and the status ConfigMap — always,
 *    in the `finally`.
 *
 * Failures are classified once where they happen (classify-error.ts):
 * transient ones come back with a backoff delay, terminal ones stall until a
 * new revision.
 */
export class Reconciler {
  private lastGood?: DesiredState;
  private newest?: DesiredState;
  private readonly refused = new Map<string, { reason: FailureReason; message: string }>();
  private lastApplied?: Map<string, string>;
  private attempt = 0;
  private finished = 0;
  private current: ControllerStatus;

  constructor(private readonly opts: ReconcilerOptions) {
    this.current = { source: opts.source.description, identity: opts.identity, conditions: [] };
  }

  get status(): ControllerStatus {
    return this.current;
  }

  /** Reconciles finished (any outcome) by this replica; readiness waits for the first. */
  get completed(): number {
    return this.finished;
  }

  async reconcile(trigger: string, signal: AbortSignal = new AbortController().signal): Promise<ReconcileOutcome> {
    if (!this.opts.isLeader()) return { result: 'skipped', reason: 'not the leader' };
    const now = this.opts.now ?? (() => new Date());
    const log = this.opts.logger.child({ trigger });
    const started = performance.now();
    const status: { -readonly [K in keyof ControllerStatus]: ControllerStatus[K] } = {
      ...this.current,
      conditions: setCondition(
        this.current.conditions,
        { type: 'Reconciling', status: 'True', reason: 'Progressing', message: `reconcile triggered by ${trigger}` },
        now(),
      ),
    };
    let outcome: ReconcileOutcome = { result: 'succeeded' };
    let report: ApplyReport | undefined;
    let round: { desired?: DesiredState; plan?: Plan; selection?: SyncSelection } = {};
    try {
      // fetch
      const artifact = await this.fetch(signal);
      status.revision = artifact.revision;
      if (trigger === 'interval') this.forgetDenials();
      // load (newest, unless refused) and choose what to reconcile to; guard: nothing valid to reconcile to (the newest revision is invalid and none was ever good)
      const active = await this.candidate(artifact, log);
      if (!active) throw this.refusal(artifact.revision, 'no good revision to fall back to');
      // the steps, for the revision chosen
      await this.reconcileRevision(artifact, active, status, signal, log, (r) => {
        if (r.report) report = r.report;
        else round = r as typeof round;
      });
      // status, finalised here on success, in failed() on failure, and written in the finally either way
      const reconciled = round.desired!;
      const plan = round.plan!;
      const selection = round.selection!;
      const refused = this.refused.get(artifact.revision);
      if (refused)
        throw new ReconcileError(
          'terminal',
          refused.reason,
          `revision ${short(artifact.revision)} refused (${refused.message}); still reconciling ${short(reconciled.revision)}`,
        );
      this.attempt = 0;
      status.failure = undefined;
      status.refusedRevision = undefined;
      const held = selection.held.length ? `; ${selection.held.length} change(s) held (${[...new Set(selection.held.map((h) => h.reason))].join(', ')})` : '';
      status.conditions = setCondition(
        status.conditions,
        { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `reconciled revision ${short(reconciled.revision)}${held}` },
        now(),
      );
      status.conditions = setCondition(status.conditions, { type: 'Stalled', status: 'False', reason: 'ReconciliationSucceeded', message: '' }, now());
      status.conditions = setCondition(status.conditions, { type: 'Reconciling', status: 'False', reason: 'ReconciliationSucceeded', message: '' }, now());
      log.info({ revision: reconciled.revision, summary: plan.summary, applied: status.plan?.applied ?? 0, held: selection.held.length }, 'reconciled');
    } catch (e) {
      const error = classifyError(e);
      outcome = this.failed(error, status, now(), log);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.opts.metrics.reconcileDuration.observe({ result: outcome.result }, seconds);
      status.lastReconcileTime = now().toISOString();
      this.current = status;
      this.finished++;
      if (this.opts.writeStatus && this.opts.isLeader()) {
        await this.opts.writeStatus(status).catch((e) => log.warn({ err: errorText(e) }, 'cannot write the status ConfigMap'));
      }
      if (this.opts.onReconciled && this.opts.isLeader()) {
        await this.opts
          .onReconciled({ trigger, outcome, status, ...round, ...(report ? { report } : {}), signal })
          .catch((e) => log.warn({ err: errorText(e) }, 'monitoring round failed'));
      }
    }
    return outcome;
  }

  /**
   * The steps for one chosen revision, top to bottom: plan → (a denial or a
   * refused prune falls back to the last good revision) → select what the
   * sync policy lets go → apply → remember what was applied. Throws a
   * classified ReconcileError on failure; `track` hears what the round got
   * to, for the status and `onReconciled`, which {@link reconcile} finalises.
   */
  private async reconcileRevision(
    artifact: SourceArtifact,
    chosen: DesiredState,
    status: { plan?: ControllerStatus['plan']; lastApply?: ControllerStatus['lastApply']; lastAppliedRevision?: string },
    signal: AbortSignal,
    log: ControllerLogger,
    track: (round: { desired?: DesiredState; plan?: Plan; selection?: SyncSelection; report?: ApplyReport }) => void,
  ): Promise<void> {
    let active = chosen;
    let report: ApplyReport | undefined;
    track({ desired: active });
    // plan
    let plan = await this.plan(active, signal);
    if (plan.policy.denied && active !== this.lastGood) {
      this.refuse(artifact.revision, 'PolicyDenied', deniedMessage(plan), log);
      this.opts.metrics.policyDenials.inc();
      if (!this.lastGood) throw this.refusal(artifact.revision, 'no earlier revision was applied');
      active = this.lastGood;
      track({ desired: active });
      plan = await this.plan(active, signal);
    }
    if (plan.policy.denied) {
      this.opts.metrics.policyDenials.inc();
      throw new ReconcileError('terminal', 'PolicyDenied', deniedMessage(plan), { hint: 'fix the change in Git or add a PolicyException' });
    }
    // a revision that renders nothing for a target, or deletes over the ceiling, is held like a denied one
    let pruneRefusal = this.pruneRefusal(active, plan);
    if (pruneRefusal && active !== this.lastGood) {
      this.refuse(artifact.revision, 'PruneRefused', pruneRefusal, log);
      if (!this.lastGood) throw this.refusal(artifact.revision, 'no earlier revision was applied; nothing was deleted');
      active = this.lastGood;
      track({ desired: active });
      plan = await this.plan(active, signal);
      pruneRefusal = this.pruneRefusal(active, plan);
    }
    if (pruneRefusal) throw new ReconcileError('terminal', 'PruneRefused', pruneRefusal, { hint: 'see plumb.yaml prune.allowEmpty / prune.maxDeletes' });
    this.opts.onDesiredState?.(active);
    // select and apply
    const selection = selectSync({ plan, sync: active.repo.config.sync, cis: ciMap(active), digests: active.digests, lastApplied: this.lastApplied });
    track({ desired: active, plan, selection });
    this.opts.metrics.drift.set(plan.changes.filter((c) => c.action !== 'noop').length);
    this.opts.metrics.unmanaged.set(plan.summary.unmanaged);
    status.plan = {
      revision: active.revision,
      hash: plan.hash,
      summary: plan.summary,
      denied: plan.policy.denied,
      applied: 0,
      held: selection.held,
      drift: selection.drift,
    };
    if (selection.drift.length) {
      void this.opts.events?.record('Warning', 'DriftDetected', `drift on ${selection.drift.length} CI(s): ${selection.drift.slice(0, 10).join(', ')}`);
    } else this.opts.events?.reset('DriftDetected');
    const notApplied = new Set(selection.held.map((h) => h.id));
    if (selection.apply.length) {
      report = await this.apply(active, plan, selection, signal, log);
      track({ report });
      status.plan = { ...status.plan, applied: report.changes.filter((c) => c.result === 'applied').length };
      status.lastApply = {
        run: report.run,
        outcome: report.outcome,
        failed: report.changes.filter((c) => c.result !== 'applied').map((c) => c.id),
        time: (this.opts.now ?? (() => new Date()))().toISOString(),
      };
      for (const c of report.changes) if (c.result !== 'applied') notApplied.add(c.id);
    }
    this.lastApplied = nextApplied(active.digests, this.lastApplied, notApplied);
    if (report && report.outcome !== 'succeeded') {
      const { kind, reason } = classifyDiagnostics(report.diagnostics);
      const failed = report.changes.filter((c) => c.result !== 'applied' && c.result !== 'skipped');
      throw new ReconcileError(
        kind,
        reason === 'DiscoveryFailed' ? 'ApplyFailed' : reason,
        `apply ${report.outcome}: ${failed
          .map((c) => `${c.id}${c.message ? ` (${c.message})` : ''}`)
          .slice(0, 5)
          .join(', ')}`,
      );
    }
    this.lastGood = active;
    status.lastAppliedRevision = active.revision;
    this.opts.metrics.setLastSuccessfulRevision(active.revision);
  }

  private async fetch(signal: AbortSignal): Promise<SourceArtifact> {
    try {
      return await this.opts.source.fetch(signal);
    } catch (e) {
      const error = classifyError(e);
      throw new ReconcileError(error.kind, 'FetchFailed', error.message, { hint: error.hint, cause: e });
    }
  }

  /** The newest revision when it loads and validates, else the last good one (or none). */
  private async candidate(artifact: SourceArtifact, log: ControllerLogger): Promise<DesiredState | undefined> {
    if (this.refused.has(artifact.revision)) return this.lastGood;
    if (this.newest?.revision === artifact.revision) return this.newest;
    let loaded;
    try {
      loaded = await loadDesiredState(artifact, this.opts.cliSettings, this.opts.openProvider);
    } catch (e) {
      const error = classifyError(e);
      if (error.kind === 'transient') throw error;
      loaded = { diagnostics: [{ severity: 'error' as const, code: error.code, message: error.message }] };
    }
    if (!loaded.desired) {
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
      const first = errors
        .slice(0, 3)
        .map((d) => `${d.file ? `${d.file}:${d.line ?? 0}:${d.column ?? 0}: ` : ''}${d.message} [${d.code}]`)
        .join('; ');
      this.refuse(artifact.revision, 'InvalidRevision', `${errors.length} error(s): ${first}`, log);
      return this.lastGood;
    }
    this.newest = loaded.desired;
    return loaded.desired;
  }

  /** The prune guards' refusal of this plan, when the sync policy would prune (engine/plan/prune-guard.ts). */
  private pruneRefusal(desired: DesiredState, plan: Plan): string | undefined {
    const { config } = desired.repo;
    if (!config.sync.prune || config.sync.policy !== 'automated') return undefined;
    const refused = checkPruneGuards(plan, config);
    return refused.length ? refused.map((d) => d.message).join('; ') : undefined;
  }

  private async plan(desired: DesiredState, signal: AbortSignal): Promise<Plan> {
    let planned;
    try {
      // the facade's plan from discovery on: this revision is loaded and validated once (desired-state.ts), so a
      // reconcile of an unchanged revision costs discovery and diffing only; capacity is the monitoring round's
      planned = await planOperation({
        desired,
        now: (this.opts.now ?? (() => new Date()))(),
        signal,
        cliSettings: this.opts.cliSettings as PlanOptions['cliSettings'],
        capacity: false,
        ...(this.opts.openProvider ? { openProvider: this.opts.openProvider } : {}),
      });
    } catch (e) {
      const error = classifyError(e);
      throw new ReconcileError(error.kind, error.kind === 'terminal' ? 'InvalidRevision' : 'DiscoveryFailed', error.message, { hint: error.hint, cause: e });
    }
    if (!planned.plan || hasErrors(planned.diagnostics)) {
      const { kind, reason } = classifyDiagnostics(planned.diagnostics);
      const errors = planned.diagnostics.filter((d) => d.severity === 'error');
      throw new ReconcileError(
        kind,
        reason,
        `discovery failed: ${errors
          .slice(0, 3)
          .map((d) => `${d.message} [${d.code}]`)
          .join('; ')}`,
        { hint: errors[0]?.hint },
      );
    }
    return planned.plan;
  }

  private async apply(desired: DesiredState, plan: Plan, selection: SyncSelection, signal: AbortSignal, log: ControllerLogger): Promise<ApplyReport> {
    if (!this.opts.isLeader()) throw new ReconcileError('transient', 'LeaseLost', 'lost the leader lease before applying');
    // a leader that loses its lease mid-apply stops before its next write: the abort is checked before every change
    const abort = new AbortController();
    const onAbort = () => abort.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const guard = () => {
      if (!this.opts.isLeader() && !abort.signal.aborted) abort.abort(new ReconcileError('transient', 'LeaseLost', 'lost the leader lease while applying'));
    };
    try {
      // the facade's apply: secrets filled back in from this revision, the plan narrowed to what the sync policy lets go, providers opened and closed
      const report = await applyOperation({
        plan,
        desired: desired.repo,
        selection: selection.apply.map((c) => c.id),
        ...(this.opts.openContext ? { openContext: this.opts.openContext } : {}),
        ...(this.opts.openProvider ? { openProvider: this.opts.openProvider } : {}),
        cliSettings: this.opts.cliSettings,
        hooks: applyHooks(log, guard),
        prune: desired.repo.config.sync.prune,
        signal: abort.signal,
        concurrency: this.opts.apply?.concurrency,
        healthTimeoutMs: this.opts.apply?.healthTimeoutMs,
      });
      this.opts.metrics.applies.inc({ result: report.outcome });
      const applied = report.changes.filter((c) => c.result === 'applied');
      if (report.outcome === 'succeeded') {
        void this.opts.events?.record(
          'Normal',
          'ApplySucceeded',
          `applied revision ${short(desired.revision)}: ${applied
            .map((c) => `${c.action} ${c.id}`)
            .slice(0, 20)
            .join(', ')}`,
        );
      } else {
        void this.opts.events?.record(
          'Warning',
          'ApplyFailed',
          `apply of revision ${short(desired.revision)} ${report.outcome}: ${report.changes
            .filter((c) => c.result !== 'applied')
            .map((c) => `${c.id} ${c.result}`)
            .slice(0, 20)
            .join(', ')}`,
        );
      }
      log.info({ run: report.run, outcome: report.outcome, applied: applied.length, backups: report.backups }, 'apply finished');
      return report;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private refuse(revision: string, reason: FailureReason, message: string, log: ControllerLogger): void {
    if (this.refused.get(revision)?.message === message) return;
    this.refused.set(revision, { reason, message });
    log.warn({ revision, reason, lastGood: this.lastGood?.revision }, `revision refused: ${message}`);
    void this.opts.events?.record(
      'Warning',
      reason === 'PolicyDenied' || reason === 'PruneRefused' ? reason : 'InvalidRevision',
      `revision ${short(revision)} refused: ${message}${this.lastGood ? `; keeping ${short(this.lastGood.revision)}` : ''}`,
    );
  }

  private refusal(revision: string, why: string): ReconcileError {
    const r = this.refused.get(revision);
    return new ReconcileError('terminal', r?.reason ?? 'InvalidRevision', `revision ${short(revision)} refused (${r?.message ?? 'invalid'}); ${why}`);
  }

  /** Denials may depend on time (change windows): the interval gives them another chance. */
  private forgetDenials(): void {
    for (const [rev, r] of this.refused) if (r.reason === 'PolicyDenied') this.refused.delete(rev);
  }

  private failed(
    error: ReconcileError,
    status: { -readonly [K in keyof ControllerStatus]: ControllerStatus[K] },
    now: Date,
    log: ControllerLogger,
  ): ReconcileOutcome {
    this.opts.metrics.failures.inc({ kind: error.kind });
    const refused = status.revision ? this.refused.get(status.revision) : undefined;
    status.refusedRevision = refused && status.revision ? { revision: status.revision, ...refused } : undefined;
    status.conditions = setCondition(status.conditions, { type: 'Ready', status: 'False', reason: error.reason, message: error.message }, now);
    if (error.kind === 'transient') {
      this.attempt++;
      const retryInMs = backoffDelay(this.attempt, this.opts.backoff ?? { baseMs: 1000, maxMs: 5 * 60_000 }, this.opts.random ?? Math.random);
      status.failure = { kind: error.kind, reason: error.reason, message: error.message, attempt: this.attempt, nextRetryInMs: retryInMs };
      status.conditions = setCondition(
        status.conditions,
        { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: `retrying in ${Math.round(retryInMs / 1000)} s: ${error.message}` },
        now,
      );
      status.conditions = setCondition(status.conditions, { type: 'Stalled', status: 'False', reason: error.reason, message: '' }, now);
      log.warn({ reason: error.reason, attempt: this.attempt, retryInMs }, `reconcile failed (transient): ${error.message}`);
      void this.opts.events?.record('Warning', 'ReconcileFailed', `${error.reason}: ${error.message}`);
      return { result: 'transient', retryInMs, error };
    }
    this.attempt = 0;
    status.failure = { kind: error.kind, reason: error.reason, message: error.message, attempt: 1 };
    status.conditions = setCondition(status.conditions, { type: 'Stalled', status: 'True', reason: error.reason, message: error.message }, now);
    status.conditions = setCondition(status.conditions, { type: 'Reconciling', status: 'False', reason: error.reason, message: '' }, now);
    log.error({ reason: error.reason, hint: error.hint }, `reconcile stalled: ${error.message}`);
    if (error.reason !== 'InvalidRevision' && error.reason !== 'PolicyDenied')
      void this.opts.events?.record('Warning', 'ReconcileFailed', `${error.reason}: ${error.message}`);
    return { result: 'terminal', error };
  }
}

function ciMap(desired: DesiredState) {
  return new Map(desired.repo.cis.map((ci) => [ci.id, ci]));
}

function deniedMessage(plan: Plan): string {
  const denials = blockingResults(plan.policy.results);
  return `denied by policy: ${denials
    .slice(0, 5)
    .map((r) => `${r.policy}${r.ci ? ` on ${r.ci}` : ''}: ${r.message}`)
    .join('; ')}`;
}

function short(revision: string): string {
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 12) : revision;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The engine's apply progress as log lines; `guard` runs before each write. */
function applyHooks(log: ControllerLogger, guard: () => void): Partial<ApplyHooks> {
  return {
    onWaveStart: (wave, changes) => {
      guard();
      log.debug({ wave, changes: changes.length }, 'wave started');
    },
    onBackup: (wave, backup, ids) => log.info({ wave, backup, cis: ids.length }, 'backup taken'),
    onChangeStart: () => guard(),
    onChangeApplied: (o) => log.info({ ci: o.id, action: o.action, wave: o.wave }, 'applied'),
    onChangeFailed: (o) => log.warn({ ci: o.id, action: o.action, wave: o.wave, message: o.message }, 'apply failed'),
    onChangeSkipped: (o) => log.info({ ci: o.id, action: o.action, message: o.message }, 'skipped'),
    onInterrupted: (r) => log.warn({ run: r.run, time: r.time }, 'an earlier apply never finished'),
  };
}
