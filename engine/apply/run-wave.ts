import { takeBackup } from '../backup/take-backup.js';
import type { BackupStore } from '../backup/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Plan, PlannedChange } from '../plan/types.js';
import type { Provider } from '../providers/contract.js';
import { applyChange } from './apply-change.js';
import { checkHealth } from './health-check.js';
import type { ApplyHooks } from './hooks.js';
import { mapConcurrent } from '../concurrency/map-concurrent.js';
import type { ChangeOutcome } from './types.js';

/** What every wave of one apply shares; outcomes, diagnostics and health accumulate here. */
export interface WaveContext {
  readonly plan: Plan;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly backupStore: BackupStore;
  readonly hooks: ApplyHooks;
  readonly signal: AbortSignal;
  readonly concurrency: number;
  readonly healthTimeoutMs: number;
  /** Health-check each wave (ApplyOptions.wait); default true. */
  readonly wait?: boolean;
  readonly prune: boolean;
  /** `--allow-replace`: replaces of every CI, not only annotated ones. */
  readonly allowReplace?: boolean;
  readonly toBackUp: ReadonlySet<string>;
  readonly outcomes: Map<string, ChangeOutcome>;
  readonly diagnostics: Diagnostic[];
  readonly health: { wave: number; id: string; healthy: boolean; message?: string }[];
}

/**
 * One wave, in the order that keeps it safe: deletes are skipped unless
 * pruning; the wave's CIs are backed up (no backup, no write — the wave is then
 * not attempted at all); changes run with bounded concurrency, one failure not
 * stopping its independent siblings; then the applied CIs are health-checked,
 * and an unhealthy one fails the wave like a failed change.
 */
export async function runWave(ctx: WaveContext, wave: number, changes: readonly PlannedChange[]): Promise<{ ok: boolean; backupId?: string }> {
  const { hooks, outcomes, signal } = ctx;
  hooks.onWaveStart(wave, changes);
  const runnable: PlannedChange[] = [];
  for (const c of changes) {
    if (c.action === 'delete' && !ctx.prune) {
      const o = outcome(c, 'skipped', 'delete skipped: prune is off (apply with --prune)');
      outcomes.set(c.id, o);
      hooks.onChangeSkipped(o);
    } else if (c.action === 'replace' && !ctx.allowReplace && !replaceAllowed(c)) {
      const o = outcome(
        c,
        'skipped',
        `replace refused: ${c.replace?.fields.join(', ') ?? 'a field'} cannot change in place, and deleting and recreating ${c.id} needs --allow-replace or its annotation ${REPLACE_ANNOTATION}: allowed`,
      );
      outcomes.set(c.id, o);
      hooks.onChangeSkipped(o);
    } else runnable.push(c);
  }

  let backupId: string | undefined;
  const backupIds = groupIds(runnable.filter((c) => ctx.toBackUp.has(c.id)));
  if (backupIds.size > 0) {
    try {
      const { plan } = ctx;
      const taken = await takeBackup({
        store: ctx.backupStore,
        providers: ctx.providers,
        ids: backupIds,
        revision: plan.revision,
        planHash: plan.hash,
        reason: 'apply',
        wave,
        signal,
      });
      ctx.diagnostics.push(...taken.diagnostics);
      backupId = taken.manifest.id;
      hooks.onBackup(
        wave,
        backupId,
        taken.manifest.cis.map((c) => c.id),
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      for (const c of runnable) outcomes.set(c.id, outcome(c, 'not-attempted', message));
      ctx.diagnostics.push({ severity: 'error', code: 'backup.failed', message });
      hooks.onWaveEnd(wave, false);
      return { ok: false };
    }
  }

  const unreachable = new Set<string>();
  const written = new Map<string, Readonly<Record<string, unknown>>>();
  // cascaded deletes are the server's doing once their parent is deleted: no request of their own
  const cascaded = runnable.filter((c) => c.cascadeOf !== undefined);
  await mapConcurrent(
    runnable.filter((c) => c.cascadeOf === undefined),
    ctx.concurrency,
    async (c) => {
      if (signal.aborted || unreachable.has(c.target)) {
        outcomes.set(c.id, outcome(c, 'not-attempted', signal.aborted ? 'aborted' : `target ${c.target} is unreachable`));
        return;
      }
      hooks.onChangeStart(c);
      const o = await applyChange(c, ctx.providers.get(c.target)!, signal, ctx.diagnostics, written);
      if (o.unreachable) unreachable.add(c.target);
      outcomes.set(c.id, o);
      if (o.result === 'applied') hooks.onChangeApplied(o);
      else hooks.onChangeFailed(o);
    },
  );

  for (const c of cascaded) {
    const parent = outcomes.get(c.cascadeOf!);
    const o =
      parent?.result === 'applied'
        ? outcome(c, 'applied', `deleted with ${c.cascadeOf}`)
        : outcome(c, parent?.result === 'failed' ? 'failed' : 'not-attempted', `${c.cascadeOf} was not deleted`);
    outcomes.set(c.id, o);
    if (o.result === 'applied') hooks.onChangeApplied(o);
    else hooks.onChangeFailed(o);
  }
  const applied = runnable.filter((c) => outcomes.get(c.id)?.result === 'applied');
  let ok = applied.length === runnable.length;
  // what was deleted has no health to wait for (a gone object would only time
  // out), and a target that stopped answering cannot report health
  const present = applied.filter((c) => c.action !== 'delete' && !unreachable.has(c.target));
  if (present.length > 0 && ctx.wait !== false) {
    const results = await checkHealth(ctx.providers, groupIds(present), ctx.healthTimeoutMs, signal, { written, diagnostics: ctx.diagnostics });
    hooks.onHealth(wave, results);
    for (const r of results) {
      ctx.health.push({ wave, ...r });
      const prior = outcomes.get(r.id);
      if (!r.healthy && prior?.result === 'applied') {
        outcomes.set(r.id, { ...prior, result: 'unhealthy', message: r.message ?? 'health check failed' });
        ok = false;
      }
    }
  }
  hooks.onWaveEnd(wave, ok);
  return { ok, ...(backupId ? { backupId } : {}) };
}

/** The per-object opt-in to `replace` (Argo CD's `Replace=true` sync option, Flux's `force`). */
export const REPLACE_ANNOTATION = 'plumb.io/replace';

function replaceAllowed(c: PlannedChange): boolean {
  const annotations = (c.desired?.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  return annotations?.[REPLACE_ANNOTATION] === 'allowed';
}

export function outcome(c: PlannedChange, result: ChangeOutcome['result'], message?: string): ChangeOutcome {
  return { id: c.id, target: c.target, action: c.action, wave: c.wave, result, ...(message ? { message } : {}) };
}

/** Target → identities, in the changes' order. */
export function groupIds(changes: readonly PlannedChange[]): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const c of changes) {
    let ids = byTarget.get(c.target);
    if (!ids) byTarget.set(c.target, (ids = []));
    ids.push(c.id);
  }
  return byTarget;
}
