import {
  apply,
  cacheWarnings,
  inert,
  inertBlock,
  inertDeep,
  registerSecretValues,
  scrubDeep,
  scrubText,
  buildGraph,
  listBackups,
  openApplyContext,
  plan as runPlan,
  readIncidents,
  restore,
  type ApplyHooks,
  type ApplyReport,
  type BackupManifest,
  type CorrelatedIncident,
  type CIGraph,
  type CIDocument,
  type Diagnostic,
  type OpenContext,
  type Plan,
  type Provider,
  type RestoreReport,
  type WatchEvent,
} from '../engine/index.js';
import { planInWorker, type LoadedState, type WorkerRequest } from './plan-in-worker.js';

/** One planning round as the TUI shows it. `plan` is absent when the input is invalid or discovery failed. */
export interface PlanSnapshot {
  readonly plan?: Plan;
  /** The desired graph the plan was made from (impact explorer, apply selection). */
  readonly graph?: CIGraph;
  readonly diagnostics: readonly Diagnostic[];
  /** Every CI's desired and observed document, redacted by the engine (the CI browser, the YAML view). */
  readonly documents?: readonly CIDocument[];
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
 * The engine session behind `plumb tui`: the facade's plan, apply, restore and
 * listBackups (engine/index.ts), with the desired state kept from the last
 * plan so apply fills secrets back in from what was planned (they never enter
 * the TUI's state), and the desired graph from buildGraph. Providers opened for
 * watching are kept open until close().
 */
export function createEngineSession(options: EngineSessionOptions = {}): TuiSession {
  let repo: LoadedState | undefined;
  let watching: Awaited<ReturnType<OpenContext>> | undefined;

  /** plumb.yaml's providers, or the injected ones (tests), for the targets an operation opens. */
  const openContext: OpenContext = async (o) => {
    const opened = await openApplyContext(o);
    return options.providers ? { ...opened, providers: new Map(options.providers(o.targets)) } : opened;
  };
  // rendered units carried from one planning worker to the next (engine/render's cache lives per thread)
  let renderCache: WorkerRequest['renderCache'];
  const loaded = (): LoadedState => {
    if (!repo) throw new Error('plan first');
    return repo;
  };

  return {
    async plan(signal) {
      const request = { repo: options.repo, cwd: options.cwd ?? process.cwd(), target: options.target, cliSettings: options.cliSettings, documents: true };
      const now = options.now?.();
      let plan: Plan | undefined;
      let diagnostics: readonly Diagnostic[];
      let documents: readonly CIDocument[] | undefined;
      if (options.worker) {
        const answer = await planInWorker({ ...request, ...(now ? { now: now.toISOString() } : {}), ...(renderCache ? { renderCache } : {}) }, signal);
        ({ plan, diagnostics, documents } = answer);
        registerSecretValues(answer.secrets ?? []);
        repo = answer.loaded;
        renderCache = answer.renderCache;
      } else {
        const result = await runPlan({ ...request, now, signal });
        ({ plan, diagnostics, documents } = result);
        repo = { root: result.repo.root, config: result.repo.config, cis: result.repo.cis, revision: result.repo.revision };
      }
      // the content cache's warnings (a cache that cannot be written) are this plan's warnings too: the TUI owns the terminal
      diagnostics = [...diagnostics, ...cacheWarnings()].map(scrubbedDiagnostic);
      // what is shown is scrubbed before Ink lays it out: a secret wrapped across two lines or cut at the pane's edge
      // is a form the guard on stdout cannot recognise; ids, fingerprints and the hash (what apply reads) stay as they are
      if (plan) plan = shownPlan(plan);
      if (documents)
        documents = documents.map((d) => ({
          ...d,
          ...(d.desired ? { desired: scrubDeep(d.desired) } : {}),
          ...(d.observed ? { observed: scrubDeep(d.observed) } : {}),
        }));
      const graph = plan ? (await buildGraph(repo.cis)).graph : undefined;
      return { ...(plan ? { plan, graph } : {}), diagnostics, ...(plan && documents ? { documents } : {}), root: repo.root };
    },

    async apply(plan, hooks, signal) {
      const report = await apply({
        plan,
        desired: loaded(),
        cliSettings: options.cliSettings,
        openContext,
        hooks,
        // deletes reach apply only when the operator selected them (the dialog
        // says so), so they are applied: prune is the selection, not a flag
        prune: true,
        ...options.apply,
        rollbackOnFailure: false,
        signal,
      });
      return shown(report);
    },

    async restore(backupId, opts) {
      const report = await restore({
        backupId,
        ...(opts.ids ? { ids: opts.ids } : {}),
        desired: loaded(),
        dryRun: opts.dryRun,
        hooks: opts.hooks,
        cliSettings: options.cliSettings,
        openContext,
        planOrder: false,
      });
      return shown(report!);
    },

    async listBackups() {
      return shown((await listBackups({ repo: loaded().root })).backups);
    },

    async listIncidents() {
      return shown(
        (await readIncidents({ cwd: options.cwd ?? process.cwd(), ...((repo?.root ?? options.repo) ? { root: repo?.root ?? options.repo } : {}) })).incidents,
      );
    },

    async watchProviders(onEvent) {
      if (!repo) return () => undefined;
      await watching?.close();
      watching = await openContext({ root: repo.root, config: repo.config, targets: Object.keys(repo.config.targets), cliSettings: options.cliSettings });
      const stops = [...watching.providers.values()].flatMap((p) => (p.watch ? [p.watch({}, (event) => onEvent(shown(event)))] : []));
      return () => stops.forEach((stop) => stop());
    },

    async close() {
      await watching?.close();
      watching = undefined;
    },
  };
}

/**
 * A value as the TUI draws it (an apply or restore report, backups, incidents,
 * a watch event): every known secret scrubbed and every control character
 * escaped — a message from an API server, a policy or a file name with
 * `ESC]2;…` retitled the terminal, and OSC 52 could write the clipboard.
 */
function shown<T>(value: T): T {
  return inertDeep(scrubDeep(value));
}

function scrubbedDiagnostic(d: Diagnostic): Diagnostic {
  return inertDeep({ ...d, message: scrubText(d.message), ...(d.hint ? { hint: scrubText(d.hint) } : {}) });
}

/**
 * The plan as the TUI shows it: policy messages and change diffs scrubbed of
 * every known secret (a diff computed when first read stays so). What apply
 * reads of it (identities, actions, fingerprints, the hash, policy actions) is
 * left as it is.
 */
function shownPlan(plan: Plan): Plan {
  const changes = plan.changes.map((c) => {
    const lazy = Object.getOwnPropertyDescriptor(c, 'diff')?.get;
    if (!lazy) return { ...c, diff: inertBlock(scrubText(c.diff)) };
    // a spread would compute it now: the copy takes the other properties as they are and a getter of its own
    let text: string | undefined;
    return Object.defineProperties(
      {},
      {
        ...Object.getOwnPropertyDescriptors(c),
        diff: { enumerable: true, configurable: true, get: () => (text ??= inertBlock(scrubText(lazy.call(c)))) },
      },
    ) as typeof c;
  });
  const results = plan.policy.results.map((r) => ({ ...r, message: inert(scrubText(r.message)) }));
  return { ...plan, changes, policy: { ...plan.policy, results } };
}
