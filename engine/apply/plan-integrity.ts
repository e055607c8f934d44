import { createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CI } from '../model/ci.js';
import { canonicalJson } from '../model/canonical-json.js';
import { PlumbError } from '../model/errors.js';
import { planHash } from '../plan/assemble-plan.js';
import type { Plan, PlannedChange } from '../plan/types.js';
import { hasRedactions } from './hydrate-secrets.js';
import { ensureStateDir, stateDir } from './state-dir.js';

/**
 * What was reviewed is what is applied (docs/security.md, "Plan integrity").
 *
 * A plan's `hash` is unkeyed: it catches a plan file damaged by accident, not
 * one edited on purpose (edit a desired object, recompute the hash). So apply
 * never trusts a plan file's content: it plans again from the plan's own
 * revision and the actual state (the same pipeline as `plumb plan`), requires
 * every change of the file to be exactly what that plan produces — id,
 * action, target, provider, desired document and patch — and takes the policy
 * verdict from the fresh evaluation, never from the file. A tampered desired
 * object, a wave that no longer exists, or `denied: false` written over a
 * denial are all refused or re-denied.
 *
 * Chosen over a keyed signature of the whole plan because it needs no key to
 * distribute between the machine that plans and the one that applies (a CI
 * runner and a deploy job), and because Git already is the trusted record: the
 * plan is checked against it, not against a key that could leak.
 *
 * Secret values are the one thing a plan file cannot show (they are redacted),
 * so re-planning cannot see that a secret changed in the work tree after
 * `plan --out`. For those, `plan --out` records a keyed digest per change
 * (HMAC-SHA256 of the unredacted desired document) with a key that never
 * enters the plan: PLUMB_PLAN_KEY, or the file PLUMB_PLAN_KEY_FILE names, or
 * `.plumb/plan.key` (created 0600 on first use). An unkeyed hash would let
 * anyone holding the plan brute-force a short secret.
 */

/** Environment variables that supply the plan key (docs/security.md). */
export const PLAN_KEY_ENV = 'PLUMB_PLAN_KEY';
export const PLAN_KEY_FILE_ENV = 'PLUMB_PLAN_KEY_FILE';

/**
 * The key secret digests are made with: PLUMB_PLAN_KEY, else the file
 * PLUMB_PLAN_KEY_FILE names, else `.plumb/plan.key` under the repository
 * (created with 32 random bytes, mode 0600, when `create`). Undefined when
 * there is none and `create` is false.
 */
export async function planKey(root: string, create: boolean, env: NodeJS.ProcessEnv = process.env): Promise<Buffer | undefined> {
  if (env[PLAN_KEY_ENV]) return Buffer.from(env[PLAN_KEY_ENV]!, 'utf8');
  if (env[PLAN_KEY_FILE_ENV]) {
    try {
      return await readFile(env[PLAN_KEY_FILE_ENV]!);
    } catch (e) {
      throw new PlumbError('plan.key-unreadable', `cannot read the plan key file named by ${PLAN_KEY_FILE_ENV}`, {
        hint: 'check the path and its permissions',
        cause: e,
      });
    }
  }
  const file = join(stateDir(root).root, 'plan.key');
  const existing = await readFile(file).catch(() => undefined);
  if (existing || !create) return existing;
  await ensureStateDir(root);
  const key = randomBytes(32);
  await writeFile(file, key, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return readFile(file);
}

/** HMAC-SHA256 (hex) of a desired document's canonical JSON. */
export function secretDigest(key: Buffer, object: unknown): string {
  return createHmac('sha256', key).update(canonicalJson(object)).digest('hex');
}

/**
 * The plan with `secretDigests` for every change whose desired document holds
 * redacted secrets, and its hash recomputed. Used by `plan --out`.
 */
export function withSecretDigests(plan: Plan, desired: ReadonlyMap<string, CI>, key: Buffer): Plan {
  const digests: Record<string, string> = {};
  for (const c of plan.changes) {
    if (!c.desired || !hasRedactions(c.desired)) continue;
    const ci = desired.get(c.id);
    if (ci) digests[c.id] = secretDigest(key, ci.object);
  }
  if (Object.keys(digests).length === 0) return plan;
  const { hash: _old, ...rest } = plan;
  const withDigests = { ...rest, secretDigests: digests };
  return { ...withDigests, hash: planHash(withDigests) };
}

/**
 * Checks a hydrated plan's secrets against the digests `plan --out` recorded.
 * A digest that differs means a secret changed since planning: PlumbError
 * `plan.stale`. Without a key the digests cannot be checked: a plan of a Git
 * commit is still safe (a commit's content cannot change), a plan of the work
 * tree is refused (`plan.unverifiable`).
 */
export function assertSecretsUnchanged(plan: Plan, hydrated: readonly PlannedChange[], key: Buffer | undefined): void {
  const digests = plan.secretDigests;
  if (!digests || Object.keys(digests).length === 0) return;
  if (!key) {
    if (plan.revision !== 'worktree' && !plan.revision.startsWith('worktree')) return;
    throw new PlumbError('plan.unverifiable', 'the plan was made from the work tree and its secrets cannot be checked without the plan key', {
      hint: `apply on the machine that planned, set ${PLAN_KEY_ENV} or ${PLAN_KEY_FILE_ENV} to the same key, or plan from a commit (--rev)`,
    });
  }
  const changed = hydrated.filter((c) => digests[c.id] !== undefined && c.desired && secretDigest(key, c.desired) !== digests[c.id]).map((c) => c.id);
  if (changed.length > 0) {
    throw new PlumbError('plan.stale', `plan is stale: secret values of ${changed.join(', ')} changed since it was planned`, {
      hint: 'run `plumb plan` again',
      data: { cis: changed },
    });
  }
}

/**
 * The saved plan, checked against a plan made now from the same revision and
 * the current actual state: every non-noop change of the saved plan in the
 * applied targets must equal the fresh one (id, action, target, provider,
 * desired, patch), and no fresh change may be missing from it. Returns the
 * saved plan with the fresh policy verdict. Throws PlumbError `plan.stale`
 * naming the CIs that differ.
 */
export function verifyAgainstReplan(saved: Plan, fresh: Plan, targets: ReadonlySet<string>): Plan {
  const observedChanged = saved.changes
    .filter(
      (c) => c.action !== 'noop' && targets.has(c.target) && saved.fingerprints[c.id] !== undefined && fresh.fingerprints[c.id] !== saved.fingerprints[c.id],
    )
    .map((c) => c.id)
    .sort();
  if (observedChanged.length > 0) {
    const named = observedChanged.slice(0, 10).join(', ') + (observedChanged.length > 10 ? ` and ${observedChanged.length - 10} more` : '');
    throw new PlumbError('plan.stale', `plan is stale: ${named} changed since it was planned`, {
      hint: 'run `plumb plan` again',
      data: { cis: observedChanged },
    });
  }
  const key = (c: PlannedChange) =>
    canonicalJson({ id: c.id, action: c.action, target: c.target, provider: c.provider, desired: c.desired ?? null, patch: c.patch });
  const pick = (p: Plan) => new Map(p.changes.filter((c) => c.action !== 'noop' && targets.has(c.target)).map((c) => [c.id, key(c)]));
  const a = pick(saved);
  const b = pick(fresh);
  const differ = [...new Set([...a.keys(), ...b.keys()])].filter((id) => a.get(id) !== b.get(id)).sort();
  if (differ.length > 0) {
    const named = differ.slice(0, 10).join(', ') + (differ.length > 10 ? ` and ${differ.length - 10} more` : '');
    throw new PlumbError(
      'plan.stale',
      `plan is stale: ${named} ${differ.length === 1 ? 'is' : 'are'} not what revision ${saved.revision.slice(0, 12)} and the actual state plan now`,
      {
        hint: 'run `plumb plan --out` again; a plan file is applied only as the revision it names plans it',
        data: { cis: differ },
      },
    );
  }
  return { ...saved, policy: fresh.policy };
}
