import type { ApplyHooks } from '../apply/hooks.js';
import { applyPlan } from '../apply/apply-plan.js';
import { hasRedactions, hydrateSecrets } from '../apply/hydrate-secrets.js';
import { openApplyContext, type ApplyContext } from '../apply/open-targets.js';
import type { ApplyOptions as EngineApplyOptions, ApplyReport } from '../apply/types.js';
import { assertSecretsUnchanged, planKey, verifyAgainstReplan } from '../apply/plan-integrity.js';
import { PlumbError } from '../model/errors.js';
import { runPlan } from '../plan/run-plan.js';
import type { Plan } from '../plan/types.js';
import type { OpenProvider } from '../providers/registry.js';
import { loadDesired, loadSettings, repositoryRoot, type DesiredState, type RepositoryLocation } from './desired-state.js';
import { withSelection } from './with-selection.js';

/** Opens what apply writes through (providers, backup store, locks, audit log); replaceable in tests and by the controller. */
export type OpenContext = typeof openApplyContext;

export interface ApplyOptions extends RepositoryLocation, Omit<EngineApplyOptions, 'targets' | 'pruneConfig'> {
  /** The plan to apply (from {@link plan} or a plan file); it holds no secret values. */
  readonly plan: Plan;
  /**
   * The desired state the plan was made from, when the caller has it loaded;
   * otherwise it is read from the repository at `plan.revision` — but only
   * when the plan carries redacted secrets that must be filled back in.
   */
  readonly desired?: DesiredState;
  /**
   * The plan was reviewed as a file (`plumb apply plan.json`): what was reviewed
   * is what is applied — plan again from the plan's revision and the actual
   * state, require the file's changes to be exactly those and take the policy
   * verdict from the fresh evaluation, fill secrets in from that revision and
   * check their keyed digests (engine/apply/plan-integrity.ts). A revision that
   * no longer plans is PlumbError `plan.stale` with the diagnostics in
   * `data.diagnostics`.
   */
  readonly reviewed?: boolean;
  /** Apply only the changes of these CIs ({@link withSelection}); default all. */
  readonly selection?: Iterable<string>;
  /** Only these targets of the plan; default all. */
  readonly targets?: readonly string[];
  /** Break a lock whose holder is gone (reported through `hooks.onLockBroken`). */
  readonly breakLock?: boolean;
  /** `--kubeconfig`/`--context`/`forceConflicts`, for the providers that read them. */
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  /** Progress: waves, backups, each change, health, rollbacks. */
  readonly hooks?: Partial<ApplyHooks>;
  /** Default engine/apply/open-targets.ts (plumb.yaml's targets, .plumb/ locks and audit log). */
  readonly openContext?: OpenContext;
  /**
   * Opens each target's provider (default: from plumb.yaml's `targets:`), for
   * the apply context and for the fresh plan of `reviewed`; ignored when
   * `openContext` is given. The same as the plan operation's `openProvider`.
   */
  readonly openProvider?: OpenProvider;
}

/**
 * `plumb apply`: the whole composition every front end used to write by hand —
 * fill the plan's secrets back in from the desired state (a plan whose desired
 * documents no longer match is `plan.stale`), narrow it to the selection, open
 * a provider per target with the backup store, lock and audit log, apply wave
 * by wave (engine/apply/apply-plan.ts), and close the providers whatever
 * happens. A denied plan without `overridePolicy` is PlumbError `policy.denied`;
 * a held lock `lock.held`.
 */
export async function apply(opts: ApplyOptions): Promise<ApplyReport> {
  const ready = opts.reviewed ? await replanned(opts) : await withSecrets(opts);
  const { desired } = ready;
  let plan = ready.plan;
  if (opts.selection) plan = withSelection(plan, opts.selection);
  const targets = plan.targets.filter((t) => !opts.targets || opts.targets.includes(t));
  const open = opts.openContext ?? openApplyContext;
  const context: ApplyContext = await open({
    root: desired.root,
    config: desired.config,
    targets,
    breakLock: opts.breakLock,
    cliSettings: opts.cliSettings,
    ...(opts.openProvider ? { openProvider: opts.openProvider } : {}),
  });
  try {
    return await applyPlan({
      plan,
      providers: context.providers,
      backupStore: context.backupStore,
      lock: context.lock,
      audit: context.audit,
      hooks: opts.hooks,
      options: {
        concurrency: opts.concurrency,
        healthTimeoutMs: opts.healthTimeoutMs,
        wait: opts.wait,
        rollbackOnFailure: opts.rollbackOnFailure,
        rollbackAll: opts.rollbackAll,
        overridePolicy: opts.overridePolicy,
        prune: opts.prune,
        // the prune guards of plumb.yaml: an emptied target or deletes over the ceiling are refused
        pruneConfig: desired.config,
        adopt: opts.adopt,
        allowReplace: opts.allowReplace,
        ...(opts.targets ? { targets: opts.targets } : {}),
        signal: opts.signal,
      },
    });
  } finally {
    await context.close();
  }
}

/** The plan with its secrets filled back in from the desired state it was made from (loaded only when it has redacted secrets). */
async function withSecrets(opts: ApplyOptions): Promise<{ plan: Plan; desired: DesiredState }> {
  const needsSecrets = opts.plan.changes.some((c) => c.desired && hasRedactions(c.desired));
  const desired =
    opts.desired?.cis || !needsSecrets
      ? (opts.desired ?? (await loadSettings(opts)))
      : await loadDesired(opts, opts.plan.revision, opts.cliSettings ?? {}, opts.openProvider);
  return { plan: desired.cis ? hydrateSecrets(opts.plan, new Map(desired.cis.map((ci) => [ci.id, ci]))) : opts.plan, desired };
}

/** A reviewed plan file checked against a fresh plan of its revision (see {@link ApplyOptions.reviewed}). */
async function replanned(opts: ApplyOptions): Promise<{ plan: Plan; desired: DesiredState }> {
  const root = await repositoryRoot(opts);
  const saved = opts.plan;
  const targets = saved.targets.filter((t) => !opts.targets || opts.targets.includes(t));
  const fresh = await runPlan({
    repo: root,
    cwd: opts.cwd ?? process.cwd(),
    ...(saved.revision.startsWith('worktree') ? {} : { rev: saved.revision }),
    ...(targets.length === 1 ? { target: targets[0] } : {}),
    cliSettings: opts.cliSettings as { kubeconfig?: string; context?: string } | undefined,
    ...(opts.openProvider ? { openProvider: opts.openProvider } : {}),
  });
  if (!fresh.plan) {
    throw new PlumbError('plan.stale', `plan is stale: revision ${saved.revision.slice(0, 12)} no longer plans (see the diagnostics above)`, {
      hint: 'run `plumb plan --out` again',
      data: { diagnostics: fresh.diagnostics },
    });
  }
  // secrets are not in the plan: read them from the desired state it was made from
  const plan = hydrateSecrets(verifyAgainstReplan(saved, fresh.plan, new Set(targets)), new Map(fresh.repo.cis.map((ci) => [ci.id, ci])));
  assertSecretsUnchanged(plan, plan.changes, await planKey(root, false));
  return { plan, desired: fresh.repo };
}
