import { isDeepStrictEqual } from 'node:util';
import { findInterrupted } from '../audit/find-interrupted.js';
import type { AuditLog } from '../audit/types.js';
import { newBackupId } from '../backup/manifest.js';
import { takeBackup } from '../backup/take-backup.js';
import type { BackupStore } from '../backup/types.js';
import { verifyBackup, type VerifiedArtifact } from '../backup/verify-backup.js';
import type { TargetLocker } from '../lock/types.js';
import { currentHost, currentUser } from '../lock/whoami.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { PlumbError } from '../model/errors.js';
import type { BackupArtifact, Provider } from '../providers/contract.js';
import type { CI } from '../model/ci.js';
import { checkHealth } from './health-check.js';
import { withDefaults, type ApplyHooks } from './hooks.js';
import type { ChangeOutcome } from './types.js';
import { noProvider } from './check-plan.js';
import { didYouMeanHint } from '../model/did-you-mean.js';

export interface RestoreInput {
  readonly backupId: string;
  /** CI identities to restore; default every CI in the backup. */
  readonly ids?: readonly string[];
  readonly store: BackupStore;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly lock: TargetLocker;
  readonly audit: AuditLog;
  readonly hooks?: Partial<ApplyHooks>;
  /** Target → its desired CIs, discovered first: some providers (file) only know the CIs they were asked about. */
  readonly desired?: ReadonlyMap<string, readonly CI[]>;
  readonly options?: {
    readonly dryRun?: boolean;
    readonly healthTimeoutMs?: number;
    /** Identity → wave (the CIs' plan order), when the caller can compute it; else one wave, in the provider's order. */
    readonly waves?: ReadonlyMap<string, number>;
    readonly revision?: string | null;
    readonly signal?: AbortSignal;
  };
}

export interface RestoreReport {
  readonly run: string;
  readonly backup: string;
  readonly dryRun: boolean;
  readonly outcome: 'succeeded' | 'failed';
  /** One entry per CI: `applied` restored; `unchanged` already equal to the backup (nothing written); in a dry run `would-apply`. */
  readonly changes: readonly ChangeOutcome[];
  /** The backup of the current state taken before restoring, so a restore can be undone. */
  readonly preRestoreBackup?: string;
  readonly health: readonly { wave: number; id: string; healthy: boolean; message?: string }[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Restores a backup the way apply applies a plan. Every checksum is verified
 * before anything else (PlumbError `backup.corrupt` names the bad artifacts and
 * nothing is touched). Then providers rehearse the whole restore (their dry
 * run); a dry restore stops there — no lock, no audit record, no write — and so
 * does one whose rehearsal fails. A real restore takes the
 * targets' locks, records `restore.started`, backs up the current state
 * (reason `restore`), restores wave by wave with health checks, stops at the
 * first failed wave, and records `restore.finished`.
 */
export async function restoreBackup(input: RestoreInput): Promise<RestoreReport> {
  const opts = input.options ?? {};
  const hooks = withDefaults(input.hooks);
  const signal = opts.signal ?? new AbortController().signal;
  const dryRun = opts.dryRun ?? false;
  const loaded = await input.store.load(input.backupId);
  const all = verifyBackup(loaded);
  const artifacts = select(all, input.ids, input.backupId);
  const targets = [...new Set(artifacts.map((a) => a.target))].sort();
  for (const t of targets) if (!input.providers.get(t)?.restore) throw noProvider(t);
  const waves = groupWaves(artifacts, opts.waves);
  const ordered = [...waves.values()].flat();
  const run = newBackupId();
  const diagnostics: Diagnostic[] = [];
  const outcomes = new Map<string, ChangeOutcome>();
  const health: RestoreReport['health'][number][] = [];
  const as = (a: VerifiedArtifact, wave: number, result: ChangeOutcome['result'], message?: string): ChangeOutcome => ({
    id: a.id,
    target: a.target,
    action: a.exists ? 'restore' : 'delete',
    wave,
    result,
    ...(message ? { message } : {}),
  });

  // Discover, then a provider dry run of the whole restore: it must be able to
  // restore every artifact before anything is written (and it learns their paths).
  for (const t of targets) {
    const answer = await input.providers.get(t)!.discover({ desired: input.desired?.get(t) ?? [] }, signal);
    diagnostics.push(...answer.diagnostics.filter((d) => d.severity !== 'error'));
  }
  const rehearsal = new Map<string, ChangeOutcome>();
  for (const [wave, list] of waves) {
    for (const [target, group] of byTarget(list)) {
      const answer = await input.providers.get(target)!.restore!({ artifacts: group.map(strip), dryRun: true }, signal);
      diagnostics.push(...answer.diagnostics);
      const error = answer.diagnostics.find((d) => d.severity === 'error');
      for (const a of group) rehearsal.set(a.id, as(a, wave, answer.ok && !error ? 'applied' : 'failed', error?.message));
    }
  }
  // what already equals the backup is not written again: it is reported `unchanged`
  const unchanged = await alreadyRestored(input.providers, artifacts, signal);
  for (const [id, o] of rehearsal) if (unchanged.has(id) && o.result !== 'failed') rehearsal.set(id, { ...o, result: 'unchanged' });
  const rehearsalFailed = [...rehearsal.values()].some((o) => o.result === 'failed');
  if (dryRun || rehearsalFailed || unchanged.size === artifacts.length) {
    for (const [id, o] of rehearsal) {
      const result = o.result !== 'applied' ? o.result : dryRun ? 'would-apply' : 'not-attempted';
      outcomes.set(id, { ...o, result });
    }
    return { run, backup: input.backupId, dryRun, outcome: outcomeOf(outcomes), changes: ordered.map((a) => outcomes.get(a.id)!), health, diagnostics };
  }
  for (const a of artifacts) if (unchanged.has(a.id)) outcomes.set(a.id, rehearsal.get(a.id)!);
  const toRestore = artifacts.filter((a) => !unchanged.has(a.id));
  for (const [wave, list] of waves) {
    const left = list.filter((a) => !unchanged.has(a.id));
    if (left.length) waves.set(wave, left);
    else waves.delete(wave);
  }
  const interrupted = findInterrupted(await input.audit.read());
  for (const r of interrupted) hooks.onInterrupted(r);
  const handle = await input.lock.acquire({ targets, planHash: null, operation: 'restore' });
  for (const b of handle.broken) hooks.onLockBroken(b);
  const base = { run, user: currentUser(), host: currentHost(), pid: process.pid };
  let preRestoreBackup: string | undefined;
  let error: string | undefined;
  try {
    await input.audit.append({
      ...base,
      event: 'restore.started',
      time: new Date().toISOString(),
      revision: opts.revision ?? null,
      planHash: null,
      targets,
      backup: input.backupId,
      ...(interrupted.length ? { acknowledges: interrupted.map((r) => r.run) } : {}),
    });
    const ids = new Map<string, string[]>();
    for (const a of toRestore) (ids.get(a.target) ?? ids.set(a.target, []).get(a.target)!).push(a.id);
    const pre = await takeBackup({
      store: input.store,
      providers: input.providers,
      ids,
      revision: opts.revision ?? null,
      planHash: null,
      reason: 'restore',
      signal,
    });
    preRestoreBackup = pre.manifest.id;
    diagnostics.push(...pre.diagnostics);
    let failed = false;
    for (const [wave, list] of waves) {
      if (failed) {
        for (const a of list) outcomes.set(a.id, as(a, wave, 'not-attempted'));
        continue;
      }
      hooks.onWaveStart(wave, []);
      for (const [target, group] of byTarget(list)) {
        const answer = await input.providers.get(target)!.restore!({ artifacts: group.map(strip), dryRun: false }, signal);
        diagnostics.push(...answer.diagnostics);
        const err = answer.diagnostics.find((d) => d.severity === 'error');
        const done = new Set(answer.restored);
        for (const a of group) {
          const o = as(
            a,
            wave,
            answer.ok && !err && done.has(a.id) ? 'applied' : 'failed',
            answer.ok && !err && done.has(a.id) ? undefined : (err?.message ?? 'not restored'),
          );
          outcomes.set(a.id, o);
          if (o.result === 'applied') hooks.onChangeApplied(o);
          else hooks.onChangeFailed(o);
        }
      }
      const present = list.filter((a) => a.exists && outcomes.get(a.id)?.result === 'applied');
      const healthIds = new Map<string, string[]>();
      for (const a of present) (healthIds.get(a.target) ?? healthIds.set(a.target, []).get(a.target)!).push(a.id);
      const results = await checkHealth(input.providers, healthIds, opts.healthTimeoutMs ?? 60_000, signal);
      hooks.onHealth(wave, results);
      for (const r of results) {
        health.push({ wave, ...r });
        const prior = outcomes.get(r.id);
        if (!r.healthy && prior) outcomes.set(r.id, { ...prior, result: 'unhealthy', message: r.message ?? 'health check failed' });
      }
      failed = list.some((a) => outcomes.get(a.id)?.result !== 'applied');
      hooks.onWaveEnd(wave, !failed);
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    diagnostics.push({ severity: 'error', code: e instanceof PlumbError ? e.code : 'restore.failed', message: error });
  } finally {
    await input.audit
      .append({
        ...base,
        event: 'restore.finished',
        time: new Date().toISOString(),
        outcome: error || outcomeOf(outcomes) === 'failed' ? 'failed' : 'succeeded',
        changes: ordered.map((a) => outcomes.get(a.id) ?? as(a, 0, 'not-attempted')),
        backups: preRestoreBackup ? [preRestoreBackup] : [],
        rollbacks: [],
        ...(error ? { error } : {}),
      })
      .finally(() => handle.release());
  }
  return {
    run,
    backup: input.backupId,
    dryRun,
    outcome: error ? 'failed' : outcomeOf(outcomes),
    changes: ordered.map((a) => outcomes.get(a.id) ?? as(a, 0, 'not-attempted')),
    ...(preRestoreBackup ? { preRestoreBackup } : {}),
    health,
    diagnostics,
  };
}

function select(all: VerifiedArtifact[], ids: readonly string[] | undefined, backupId: string): VerifiedArtifact[] {
  if (!ids || ids.length === 0) return all;
  const have = new Set(all.map((a) => a.id));
  const unknown = ids.filter((id) => !have.has(id));
  if (unknown.length > 0) {
    throw new PlumbError('backup.unknown-ci', `backup ${backupId} does not hold ${unknown.join(', ')}`, {
      hint: didYouMeanHint(unknown, have, `run \`plumb backups -o json\` to see which CIs backup ${backupId} holds`),
      data: { ids: unknown },
    });
  }
  const wanted = new Set(ids);
  return all.filter((a) => wanted.has(a.id));
}

function groupWaves(artifacts: VerifiedArtifact[], waves: ReadonlyMap<string, number> | undefined): Map<number, VerifiedArtifact[]> {
  const out = new Map<number, VerifiedArtifact[]>();
  for (const a of artifacts) {
    const w = waves?.get(a.id) ?? 1;
    (out.get(w) ?? out.set(w, []).get(w)!).push(a);
  }
  return new Map([...out].sort((x, y) => x[0] - y[0]));
}

function byTarget(list: VerifiedArtifact[]): Map<string, VerifiedArtifact[]> {
  const out = new Map<string, VerifiedArtifact[]>();
  for (const a of list) (out.get(a.target) ?? out.set(a.target, []).get(a.target)!).push(a);
  return out;
}

function strip({ target: _t, ...a }: VerifiedArtifact) {
  return a;
}

function outcomeOf(outcomes: ReadonlyMap<string, ChangeOutcome>): 'succeeded' | 'failed' {
  return [...outcomes.values()].every((o) => o.result === 'applied' || o.result === 'unchanged' || o.result === 'would-apply') ? 'succeeded' : 'failed';
}

/**
 * The artifacts whose CI's actual state already equals the backup: the
 * provider's own backup of it now is the same bytes (or, for JSON, the same
 * value — key order aside), or both say the object does not exist. Read-only;
 * a provider that cannot answer leaves its CIs to be restored.
 */
async function alreadyRestored(providers: ReadonlyMap<string, Provider>, artifacts: readonly VerifiedArtifact[], signal: AbortSignal): Promise<Set<string>> {
  const same = new Set<string>();
  for (const [target, group] of byTarget([...artifacts])) {
    const provider = providers.get(target);
    if (!provider?.backup) continue;
    const answer = await provider.backup({ ids: group.map((a) => a.id) }, signal).catch(() => undefined);
    if (!answer || answer.diagnostics.some((d) => d.severity === 'error')) continue;
    const now = new Map(answer.artifacts.map((a) => [a.id, a]));
    for (const a of group) {
      const current = now.get(a.id);
      if (current && sameArtifact(a, current)) same.add(a.id);
    }
  }
  return same;
}

function sameArtifact(a: BackupArtifact, b: BackupArtifact): boolean {
  if (a.exists !== b.exists) return false;
  if (!a.exists) return true;
  if (Buffer.from(a.data).equals(Buffer.from(b.data))) return true;
  if (a.mediaType !== 'application/json' || b.mediaType !== 'application/json') return false;
  try {
    return isDeepStrictEqual(JSON.parse(new TextDecoder().decode(a.data)), JSON.parse(new TextDecoder().decode(b.data)));
  } catch {
    return false;
  }
}
