import { applyPlan } from '../engine/apply/apply-plan.js';
import { hydrateSecrets } from '../engine/apply/hydrate-secrets.js';
import type { ApplyHooks } from '../engine/apply/hooks.js';
import { openApplyContext, type ApplyContext } from '../engine/apply/open-targets.js';
import { restoreBackup, type RestoreReport } from '../engine/apply/restore-backup.js';
import type { ApplyReport } from '../engine/apply/types.js';
import type { BackupManifest } from '../engine/backup/types.js';
import { readIncidents } from '../engine/correlate/read-incidents.js';
import type { CorrelatedIncident } from '../engine/incidents/types.js';
import { buildGraph } from '../engine/graph/build-graph.js';
import type { CIGraph } from '../engine/graph/types.js';
import type { CI } from '../engine/model/ci.js';
import type { Diagnostic } from '../engine/model/diagnostic.js';
import { runPlan } from '../engine/plan/run-plan.js';
import type { Plan } from '../engine/plan/types.js';
import type { Provider, WatchEvent } from '../engine/providers/contract.js';
import { selectDesired } from '../engine/providers/registry.js';
import { planInWorker, type LoadedState } from './plan-in-worker.js';

/** One planning round as the TUI shows it. `plan` is absent when the input is invalid or discovery failed. */
export interface PlanSnapshot {
  readonly plan?: Plan;
  /** The desired graph the plan was made from (impact explorer, apply selection). */
  readonly graph?: CIGraph;
  readonly diagnostics: readonly Diagnostic[];
  /** Absolute repository root (what `--watch` watches). */
  readonly root?: string;
}

/**
 * Everything the TUI asks of the engine, behind one small interface so the
 * components never import the engine's wiring and tests can inject a session
 * over the fake provider. Each call composes public engine functions; none
 * re-implements their logic.
 */
export interface TuiSession {
  plan(signal?: AbortSignal): Promise<PlanSnapshot>;
  /** Applies `plan` (already narrowed to the operator's selection) with the engine's apply; rollback is left to the operator. */
  apply(plan: Plan, hooks: Partial<ApplyHooks>, signal?: AbortSignal): Promise<ApplyReport>;
  /** Restores `ids` of a backup (all when absent); a dry run changes nothing. */
  restore(backupId: string, opts: { readonly ids?: readonly string[]; readonly dryRun: boolean; readonly hooks?: Partial<ApplyHooks> }): Promise<RestoreReport>;
  listBackups(): Promise<readonly BackupManifest[]>;
  /** The controller's incidents (plumb.yaml notifications.stateDir): open first, then resolved recently. */
  listIncidents(): Promise<readonly CorrelatedIncident[]>;
  /** Drift from providers that can watch; returns a stop function. */
  watchProviders?(onEvent: (e: WatchEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}

export interface EngineSessionOptions {
  readonly repo?: string;
  readonly cwd?: string;
  readonly target?: string;
  /** A fixed clock (tests); default the wall clock at each plan. */
  readonly now?: () => Date;
  readonly cliSettings?: { readonly kubeconfig?: string; readonly context?: string };
  /**
   * Replaces the providers apply, restore and watch use (tests: the fake
   * provider). Planning still discovers through plumb.yaml's targets.
   */
  readonly providers?: (targets: readonly string[]) => ReadonlyMap<string, Provider>;
  /**
   * Plan in a worker thread (`plumb tui` does), so parsing never blocks keys;
   * tests plan in-thread. The plan is the same either way.
   */
  readonly worker?: boolean;
  /** Options passed to every apply; the TUI always decides rollback itself. */
  readonly apply?: { readonly prune?: boolean; readonly concurrency?: number; readonly healthTimeoutMs?: number };
}

/**
 * The engine session behind `plumb tui`: runPlan for planning, the desired
 * graph from buildGraph, applyPlan / restoreBackup over openApplyContext for
 * writes (secrets are hydrated from the loaded desired state right before
 * apply, as `plumb apply` does, and never enter the TUI's state).
 */
export function createEngineSession(options: EngineSessionOptions = {}): TuiSession {
  let repo: LoadedState | undefined;
  let context: ApplyContext | undefined;
  let contextTargets = '';

  async function contextFor(targets: readonly string[]): Promise<ApplyContext> {
    if (!repo) throw new Error('plan first');
    const key = [...targets].sort().join(',');
    if (context && contextTargets === key) return context;
    await context?.close();
    const opened = await openApplyContext({ root: repo.root, config: repo.config, targets, cliSettings: options.cliSettings });
    const providers = options.providers ? new Map(options.providers(targets)) : opened.providers;
    context = { ...opened, providers, close: opened.close };
    contextTargets = key;
    return context;
  }

  return {
    async plan(signal) {
      const request = { repo: options.repo, cwd: options.cwd ?? process.cwd(), target: options.target, cliSettings: options.cliSettings };
      const now = options.now?.();
      let plan: Plan | undefined;
      let diagnostics: readonly Diagnostic[];
      if (options.worker) {
        const answer = await planInWorker({ ...request, ...(now ? { now: now.toISOString() } : {}) }, signal);
        ({ plan, diagnostics } = answer);
        repo = answer.loaded;
      } else {
        const result = await runPlan({ ...request, now, signal });
        ({ plan, diagnostics } = result);
        repo = { root: result.repo.root, config: result.repo.config, cis: result.repo.cis, revision: result.repo.revision };
      }
      const graph = plan ? buildGraph(repo.cis).graph : undefined;
      return { ...(plan ? { plan, graph } : {}), diagnostics, root: repo.root };
    },

    async apply(plan, hooks, signal) {
      const ctx = await contextFor(plan.targets);
      const desired = new Map<string, CI>(repo!.cis.map((ci) => [ci.id, ci]));
      return applyPlan({
        plan: hydrateSecrets(plan, desired),
        providers: ctx.providers,
        backupStore: ctx.backupStore,
        lock: ctx.lock,
        audit: ctx.audit,
        hooks,
        // deletes reach apply only when the operator selected them (the dialog
        // says so), so they are applied: prune is the selection, not a flag
        options: { prune: true, pruneConfig: repo!.config, ...options.apply, rollbackOnFailure: false, signal },
      });
    },

    async restore(backupId, opts) {
      const probe = await contextFor([]);
      const manifest = (await probe.backupStore.load(backupId)).manifest;
      const targets = [...new Set(manifest.cis.map((ci) => ci.target))];
      const ctx = await contextFor(targets);
      const config = repo!.config;
      return restoreBackup({
        backupId,
        ...(opts.ids ? { ids: opts.ids } : {}),
        store: ctx.backupStore,
        providers: ctx.providers,
        lock: ctx.lock,
        audit: ctx.audit,
        hooks: opts.hooks,
        desired: new Map(targets.map((t) => [t, config.targets[t] ? selectDesired(config.targets[t], t, repo!.cis) : []])),
        options: { dryRun: opts.dryRun, revision: repo!.revision },
      });
    },

    async listBackups() {
      const ctx = await contextFor(context ? contextTargets.split(',').filter(Boolean) : []);
      return ctx.backupStore.list();
    },

    async listIncidents() {
      return (await readIncidents({ cwd: options.cwd ?? process.cwd(), ...(repo?.root ?? options.repo ? { root: repo?.root ?? options.repo } : {}) })).incidents;
    },

    async watchProviders(onEvent) {
      if (!repo) return () => undefined;
      const ctx = await contextFor(Object.keys(repo.config.targets));
      const stops = [...ctx.providers.values()].flatMap((p) => (p.watch ? [p.watch({}, onEvent)] : []));
      return () => stops.forEach((stop) => stop());
    },

    async close() {
      await context?.close();
      context = undefined;
    },
  };
}
