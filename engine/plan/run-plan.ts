import type { CapacityLookup, CapacityView } from '../capacity/view.js';
import { loadRepository } from '../load/load-repository.js';
import type { LoadedRepository } from '../load/types.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import type { CIGraph } from '../graph/types.js';
import type { LoadedPolicies } from '../policy/load-policies.js';
import type { CompiledPolicy } from '../policy/types.js';
import { validateRepository } from '../validate/validate.js';
import { buildPlan } from './build-plan.js';
import { ciDocuments, type CIDocument } from './ci-documents.js';
import { discoverTargets } from './discover-targets.js';
import { renderCapabilitiesFromTarget } from './render-capabilities.js';
import { checkPruneGuards } from './prune-guard.js';
import { selectTargets } from './select-targets.js';
import { createProvider, type OpenProvider } from '../providers/registry.js';
import type { Provider } from '../providers/contract.js';
import type { PlumbConfig } from '../config/types.js';
import type { Plan } from './types.js';

export interface RunPlanOptions {
  /** `--repo`; default: found upwards from `cwd`. */
  readonly repo?: string;
  readonly cwd?: string;
  /** `--rev`: plan a Git revision instead of the work tree. */
  readonly rev?: string;
  /** `--target`; default the config's defaultTarget, else every target. */
  readonly target?: string;
  /** The clock: the plan's createdAt and policies' `now`. */
  readonly now?: Date;
  readonly signal?: AbortSignal;
  /** `--kubeconfig`/`--context`, passed to the providers that read them. */
  readonly cliSettings?: { readonly kubeconfig?: string; readonly context?: string };
  /**
   * A revision already loaded and validated, with its policies compiled (the
   * controller keeps one per revision): planning starts at discovery, and
   * `repo`, `cwd` and `rev` are not read. It must be free of error
   * diagnostics — it is not validated again.
   */
  readonly desired?: ValidatedDesiredState;
  /**
   * Opens each target's provider for discovery (default: the registry's
   * `createProvider`, from plumb.yaml's `targets:`); every provider it returns
   * is closed before planning goes on. Tests pass the in-memory fake
   * (engine/providers/fake/).
   */
  readonly openProvider?: OpenProvider;
  /**
   * Forecast capacity (plumb.yaml `metrics:`) for policies' `capacity` and the
   * at-risk warnings; default true. With false, policies see no forecast
   * (`capacity.status == "unknown"`) and Prometheus is not queried — what the
   * controller does, whose capacity round runs after each reconcile
   * (engine/reconcile/monitoring/capacity-watch.ts).
   */
  readonly capacity?: boolean;
  /**
   * Also return every CI's desired and observed document, redacted
   * ({@link CIDocument}): the TUI's browser and YAML view. Off by default
   * (the plan itself never carries observed objects).
   */
  readonly documents?: boolean;
}

/** A revision loaded, validated and its policies compiled: what planning needs before discovery. */
export interface ValidatedDesiredState {
  readonly repo: LoadedRepository;
  readonly graph: CIGraph;
  readonly policies: LoadedPolicies;
}

export interface RunPlanResult {
  /** Absent when the input is invalid or discovery failed (the diagnostics say why). */
  readonly plan?: Plan;
  readonly repo: LoadedRepository;
  readonly diagnostics: readonly Diagnostic[];
  /** Every loaded policy (SARIF lists a rule for each). */
  readonly policies: readonly CompiledPolicy[];
  /** With `documents: true` and a plan: every CI's desired and observed document, redacted. */
  readonly documents?: readonly CIDocument[];
}

/**
 * `plumb plan` as one engine call, shared by the CLI, the TUI and the
 * controller: load → validate → policies → discover each target → plan. Stops
 * before discovery when the desired state has errors (a plan of invalid input
 * would be wrong), and before planning when a provider could not read the
 * actual state (a plan against half a state would delete the other half).
 */
export async function runPlan(options: RunPlanOptions = {}): Promise<RunPlanResult> {
  if (options.desired) return planValidated(options.desired, [], options);
  const early = new EarlyProviders(options);
  try {
    const repo = await loadRepository({
      repo: options.repo,
      cwd: options.cwd,
      rev: options.rev,
      target: options.target,
      // charts render for the Kubernetes version and API versions the target serves
      targetCapabilities: renderCapabilitiesFromTarget({
        target: options.target,
        cliSettings: options.cliSettings,
        signal: options.signal,
        openProvider: options.openProvider,
      }),
      onConfig: (config, root) => early.open(config, root),
    });
    const { graph, diagnostics: validation } = validateRepository(repo);
    const diagnostics: Diagnostic[] = [...validation];
    const policies = await loadPoliciesOf(repo);
    diagnostics.push(...policies.diagnostics);
    if (hasErrors(diagnostics)) return { repo, diagnostics, policies: policies.policies };
    return await planValidated({ repo, graph, policies }, diagnostics, { ...options, openProvider: early.opener() });
  } finally {
    // those discovery did not take (the plan stopped before it, or a target failed first)
    await early.close();
  }
}

/**
 * The targets' providers, opened as soon as plumb.yaml is read and asked to
 * {@link Provider.prepare}: a Kubernetes target's client (its import, the
 * credential, TLS, API discovery, the dry-run keys' basis) then gets ready
 * while the repository loads and validates, instead of after — a steady-state
 * plan of 500 objects spent ~0.1 s there before its first list. Discovery
 * takes each one instead of opening its own; a target whose provider cannot be
 * opened early is opened (and fails) there as before.
 */
class EarlyProviders {
  private readonly opened = new Map<string, Provider>();
  private readonly signal: AbortSignal;

  constructor(private readonly options: RunPlanOptions) {
    this.signal = options.signal ?? new AbortController().signal;
  }

  open(config: PlumbConfig, root: string): void {
    try {
      const open = this.options.openProvider ?? createProvider;
      for (const name of selectTargets(config, this.options.target)) {
        const provider = open(name, config.targets[name], { ...this.options.cliSettings, root, config });
        this.opened.set(name, provider);
        provider.prepare?.(this.signal);
      }
    } catch {
      // a target plumb.yaml names wrongly: said by discovery, which opens it again
    }
  }

  /** What discovery opens its providers with: the one opened early for a target (once), else a new one. */
  opener(): OpenProvider {
    return (name, target, ctx) => {
      const provider = this.opened.get(name);
      this.opened.delete(name);
      return provider ?? (this.options.openProvider ?? createProvider)(name, target, ctx);
    };
  }

  async close(): Promise<void> {
    const left = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(left.map((p) => p.close?.().catch(() => undefined)));
  }
}

const NO_POLICIES: LoadedPolicies = { policies: [], exceptions: [], diagnostics: [] };

/** No capacity view for any CI (forecastForPlan's answer without `metrics:` in plumb.yaml: no source, no signal read, no at-risk warning). */
const NONE: CapacityView = { status: 'none', atRisk: false, signals: [] };
const NO_FORECASTS: { lookup: CapacityLookup; diagnostics: readonly Diagnostic[] } = { lookup: () => NONE, diagnostics: [] };

/**
 * The repository's policies and exceptions, compiled (engine/policy/load-policies.ts). The CEL
 * engine (@bufbuild/cel: its protobuf descriptors take ~0.05 CPU-s to load, 7% of a steady-state
 * plan of 500 Kubernetes objects) is loaded only when the repository has a policy document.
 */
async function loadPoliciesOf(repo: LoadedRepository): Promise<LoadedPolicies> {
  if (repo.policyDocuments.length === 0) return NO_POLICIES;
  return (await import('../policy/load-policies.js')).loadPolicies(repo.policyDocuments, repo.locate);
}

/** The second half of {@link runPlan}: discover each target → capacity → plan → policies → prune warnings. */
async function planValidated(desired: ValidatedDesiredState, earlier: readonly Diagnostic[], options: RunPlanOptions): Promise<RunPlanResult> {
  const now = options.now ?? new Date();
  const { repo, graph, policies: loaded } = desired;
  const diagnostics: Diagnostic[] = [...earlier];
  const names = selectTargets(repo.config, options.target);
  const discovered = await discoverTargets({
    config: repo.config,
    names,
    cis: repo.cis,
    root: repo.root,
    cliSettings: options.cliSettings,
    signal: options.signal ?? new AbortController().signal,
    locate: repo.locate,
    schemas: repo.schemas,
    ...(options.openProvider ? { openProvider: options.openProvider } : {}),
  });
  diagnostics.push(...discovered.diagnostics);
  // a target that could not be read stops the plan; one CI that could not be diffed does not (it is left out, and said)
  if (hasErrors(discovered.blocking)) return { repo, diagnostics, policies: loaded.policies };

  // A unit left out because its tool is missing (render.onMissingTool: warn): its objects
  // are not in the desired state, so nothing plumb created may be planned for deletion.
  const skipped = repo.renders?.some((u) => u.status === 'skipped');
  const targets = skipped ? discovered.targets.map((t) => ({ ...t, observed: t.observed.map((o) => ({ ...o, managedByPlumb: false })) })) : discovered.targets;
  // capacity forecasts (plumb.yaml metrics:) for policies' `capacity` and the at-risk warnings
  // (engine/capacity and simple-statistics load only when plumb.yaml has metrics:; without it every CI's view is 'none')
  const forecasts = options.capacity === false || repo.config.metrics === undefined ? undefined : await import('../capacity/view.js');
  const capacity =
    options.capacity === false
      ? undefined
      : forecasts
        ? await forecasts.forecastForPlan({ cis: repo.cis, metrics: repo.config.metrics, root: repo.root, signal: options.signal })
        : NO_FORECASTS;
  if (capacity) diagnostics.push(...capacity.diagnostics);
  // no policy and no exception: nothing to evaluate, and the CEL engine is not loaded
  const evaluator =
    loaded.policies.length || loaded.exceptions.length
      ? (await import('./plan-policies.js')).planPolicies({
          policies: loaded.policies,
          exceptions: loaded.exceptions,
          graph,
          now,
          ...(capacity ? { capacity: capacity.lookup } : {}),
        })
      : undefined;
  const built = buildPlan({ repo, graph, targets, ...(evaluator ? { policies: evaluator } : {}), now });
  diagnostics.push(...built.diagnostics);
  if (capacity && forecasts) diagnostics.push(...forecasts.atRiskWarnings(built.plan.changes, capacity.lookup));
  // what `apply --prune` (and the controller) would refuse, said at plan time
  for (const d of checkPruneGuards(built.plan, repo.config))
    diagnostics.push({ ...d, severity: 'warning', message: d.message.replace(/^refusing to prune/, 'apply --prune will refuse to prune') });
  return { plan: built.plan, repo, diagnostics, policies: loaded.policies, ...(options.documents ? { documents: ciDocuments(targets, repo.schemas) } : {}) };
}
