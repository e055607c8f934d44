import { findInterrupted } from '../audit/find-interrupted.js';
import type { StartedRecord } from '../audit/types.js';
import { newBackupId } from '../backup/manifest.js';
import { currentHost, currentUser } from '../lock/whoami.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { PlannedChange } from '../plan/types.js';
import { assertFresh, assertNoTakeover, assertNotDenied, assertPruneAllowed, noProvider } from './check-plan.js';
import { withDefaults } from './hooks.js';
import { restoreFromBackup } from './rollback.js';
import type { ApplyInput, ApplyReport, ChangeOutcome, RollbackOutcome } from './types.js';
import { outcome, runWave, type WaveContext } from './run-wave.js';

/**
 * Applies a plan, wave by wave, so that nothing is ever half-done without the
 * operator being told exactly what state things are in. In order:
 *
 * 1. guards: a denied plan needs `overridePolicy`; with `prune`, a plan that
 *    empties a target or deletes over its ceiling is refused (`prune.refused`,
 *    engine/plan/prune-guard.ts) before anything is written; an object
 *    another inventory owns is not taken over without `adopt`; interrupted earlier runs in
 *    the audit log are reported; every target's lock is taken (or `lock.held`);
 *    the plan must not be stale (`plan.stale`) — checked under the lock, so no
 *    other plumb changes the targets between the check and the writes;
 * 2. `apply.started` goes to the audit log before the first write;
 * 3. per wave: back up the wave's CIs listed in `plan.backups`, apply its
 *    changes with bounded concurrency, then health-check them with a timeout;
 *    the first failed wave stops the run (later waves are `not-attempted`);
 * 4. on failure with `rollbackOnFailure`: restore the failed wave's backups,
 *    and with `rollbackAll` every earlier wave's too, newest first;
 * 5. `apply.finished` with every change's result, in a `finally`, and the locks
 *    are released.
 *
 * Guard failures throw PlumbError; once writing has started, failures are
 * results in the report, never exceptions.
 */
export async function applyPlan(input: ApplyInput): Promise<ApplyReport> {
  const { plan, providers, backupStore, lock, audit } = input;
  const opts = input.options ?? {};
  const hooks = withDefaults(input.hooks);
  const signal = opts.signal ?? new AbortController().signal;
  const concurrency = opts.concurrency ?? 4;
  const healthTimeoutMs = opts.healthTimeoutMs ?? 60_000;

  assertNotDenied(plan, opts.overridePolicy);
  const targets = new Set(plan.targets.filter((t) => !opts.targets || opts.targets.includes(t)));
  const changes = plan.changes.filter((c) => targets.has(c.target) && c.action !== 'noop');
  for (const t of new Set(changes.map((c) => c.target))) if (!providers.has(t)) throw noProvider(t);
  if (opts.prune) assertPruneAllowed(plan, opts.pruneConfig ?? { prune: {}, targets: {} }, targets);
  if (!opts.adopt) assertNoTakeover(changes);

  const interrupted = findInterrupted(await audit.read());
  for (const r of interrupted) hooks.onInterrupted(r);
  const handle = await lock.acquire({ targets: [...targets], planHash: plan.hash, operation: 'apply' });
  for (const b of handle.broken) hooks.onLockBroken(b);

  const run = newBackupId();
  const diagnostics: Diagnostic[] = [];
  const outcomes = new Map<string, ChangeOutcome>();
  const backups: string[] = [];
  const backupOfWave = new Map<number, string>();
  const rollbacks: RollbackOutcome[] = [];
  const health: WaveContext['health'] = [];
  let failedWave: number | undefined;
  let aborted = false;
  let started = false;
  let error: string | undefined;
  const brokenLocks = handle.broken.map(({ target, owner, host, pid, startedAt }) => ({ target, owner, host, pid, startedAt }));
  const base = { run, user: currentUser(), host: currentHost(), pid: process.pid };
  try {
    diagnostics.push(...(await assertFresh(plan, providers, targets, signal)));
    const startRecord: StartedRecord = {
      ...base,
      event: 'apply.started',
      time: new Date().toISOString(),
      revision: plan.revision,
      planHash: plan.hash,
      targets: [...targets].sort(),
      ...(plan.policy.denied && opts.overridePolicy ? { policyOverride: opts.overridePolicy } : {}),
      ...(interrupted.length ? { acknowledges: interrupted.map((r) => r.run) } : {}),
      ...(brokenLocks.length ? { brokenLocks } : {}),
    };
    await audit.append(startRecord);
    started = true;

    const waveContext: WaveContext = {
      plan,
      providers,
      backupStore,
      hooks,
      signal,
      concurrency,
      healthTimeoutMs,
      wait: opts.wait !== false,
      prune: opts.prune ?? false,
      allowReplace: opts.allowReplace ?? false,
      toBackUp: new Set(plan.backups),
      outcomes,
      diagnostics,
      health,
    };
    const waves = groupByWave(changes);
    for (const [wave, waveChanges] of waves) {
      if (failedWave !== undefined || signal.aborted) {
        aborted ||= signal.aborted;
        for (const c of waveChanges) outcomes.set(c.id, outcome(c, 'not-attempted'));
        continue;
      }
      const result = await runWave(waveContext, wave, waveChanges);
      if (result.backupId) {
        backups.push(result.backupId);
        backupOfWave.set(wave, result.backupId);
      }
      if (!result.ok) failedWave = wave;
      if (signal.aborted) aborted = true;
    }

    if (failedWave !== undefined && opts.rollbackOnFailure) {
      const rollbackWaves = [...waves.keys()].filter((w) => w === failedWave || (opts.rollbackAll && w < failedWave!)).sort((a, b) => b - a);
      for (const wave of rollbackWaves) {
        const backupId = backupOfWave.get(wave);
        const touched = new Set(
          waves
            .get(wave)!
            .filter((c) => isTouched(outcomes.get(c.id)?.result))
            .map((c) => c.id),
        );
        if (!backupId || touched.size === 0) continue;
        hooks.onRollbackStart(wave, backupId);
        const r = await restoreFromBackup(backupStore, backupId, touched, providers, wave, signal);
        rollbacks.push(r);
        hooks.onRollback(r);
      }
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    if (!started) {
      await handle.release();
      throw e;
    }
    aborted = true;
  } finally {
    if (started) {
      const report = summarise();
      await audit
        .append({
          ...base,
          event: 'apply.finished',
          time: new Date().toISOString(),
          outcome: report.outcome,
          changes: report.changes,
          backups,
          waveBackups: [...backupOfWave].sort(([a], [b]) => a - b).map(([wave, backup]) => ({ wave, backup })),
          rollbacks: rollbacks.map(({ wave, backup, restored, ok }) => ({ wave, backup, restored, ok })),
          ...(error ? { error } : {}),
        })
        .finally(() => handle.release());
    }
  }
  return summarise();

  function summarise(): ApplyReport {
    const all = changes.map((c) => outcomes.get(c.id) ?? outcome(c, 'not-attempted'));
    const failed = failedWave !== undefined || all.some((o) => o.result === 'failed' || o.result === 'unhealthy');
    const rolledBack = failed && rollbacks.length > 0 && rollbacks.every((r) => r.ok);
    return {
      run,
      planHash: plan.hash,
      outcome: aborted ? 'aborted' : !failed ? 'succeeded' : rolledBack ? 'rolled-back' : 'failed',
      ...(failedWave !== undefined ? { failedWave } : {}),
      changes: all,
      backups,
      rollbacks,
      health,
      interrupted: interrupted.map((r) => ({ run: r.run, time: r.time, user: r.user, planHash: r.planHash })),
      brokenLocks,
      ...(plan.policy.denied && opts.overridePolicy ? { policyOverride: opts.overridePolicy } : {}),
      diagnostics,
    };
  }
}

function isTouched(result: string | undefined): boolean {
  return result === 'applied' || result === 'failed' || result === 'unhealthy';
}

/** Waves in ascending order, each with its changes in plan order. */
function groupByWave(changes: readonly PlannedChange[]): Map<number, PlannedChange[]> {
  const waves = new Map<number, PlannedChange[]>();
  for (const c of changes) {
    let list = waves.get(c.wave);
    if (!list) waves.set(c.wave, (list = []));
    list.push(c);
  }
  return new Map([...waves].sort((a, b) => a[0] - b[0]));
}
