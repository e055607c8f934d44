import { createHmac } from 'node:crypto';
import { derivedCacheKey } from '../cache/code-signature.js';
import type { ContentCache } from '../cache/content-cache.js';
import type { LoadedRepository } from '../load/types.js';
import { canonicalJson } from '../model/canonical-json.js';
import { compareText } from '../model/compare-text.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { InventoryPolicyReport } from '../policy/evaluate-inventory.js';
import { holdsSecretValues, secretKindSchemas, secretScrubber } from '../redact/scrubber.js';

/** Namespace of whole `plumb validate` answers in the content cache. */
export const VALIDATE_ANSWER_NAMESPACE = 'validate-answer';

/**
 * What `plumb validate` computed after loading, kept for a run that loads the
 * same repository: the checks' diagnostics (the load's own are not kept: they
 * are made afresh by every load), the number of relations, and the
 * inventory-policy report, with the span of instants it holds for.
 */
export interface ValidateAnswer {
  /** validateRepository's diagnostics without the load's, in its sorted order (one stable sort with the load's gives its whole order back). */
  readonly checks: readonly Diagnostic[];
  readonly relations: number;
  readonly policy: Omit<InventoryPolicyReport, 'clock'>;
  /** The instants (ms since the epoch) the policy report holds for: `[from, to)`, null for unbounded. */
  readonly holds: readonly [from: number | null, to: number | null];
}

/**
 * The key of a repository's validate answer, or undefined when it can have
 * none (no cache key on this machine). An HMAC-SHA256 under this user's cache
 * key (engine/cache/code-signature.ts), so an entry's name tells nothing of
 * the content it stands for — it covers files holding secrets, whose blob ids
 * would otherwise let whoever reads the cache directory test guesses of a
 * secret. What validate reads after the load is the loaded repository, so the
 * key holds:
 * - every file the load read, by path and blob id (plumb.yaml, the
 *   repository's kind schemas, the inventory and policy files; a SOPS file by
 *   its ciphertext, which decrypts to one plaintext or fails) and each SOPS
 *   file's outcome (decrypted, failed: the keys at hand decide);
 * - each render unit's id, status (a missing tool or a failed render loads
 *   nothing of it; `cached` counts as `rendered`) and render key, and every rendered object whole (origin and
 *   document: a chart may render differently from the same inputs);
 * - plumb.yaml as loaded (defensive: it is one of the files), and each kind
 *   schema as parsed, plumb's own too (a development checkout's schemas/ may
 *   change without a build). Their JSON text, not the canonical JSON the
 *   per-file checks' context key hashes: that cost 11 of the 16 ms this key
 *   took for the bundled example. The CRDs are CIs, covered by their files or
 *   whole as rendered objects;
 * and plumb's version and code stamp salt every entry (content-cache.ts). The
 * built-in schemas and checks change only with plumb. Time is not in the key:
 * the answer says for which instants it holds ({@link answerHolds}).
 */
export function validateAnswerKey(
  repo: Pick<LoadedRepository, 'cis' | 'files' | 'config' | 'renders' | 'sops' | 'schemas'>,
  secret: Buffer | undefined = derivedCacheKey('validate answer'),
): string | undefined {
  if (!secret) return undefined;
  const hash = createHmac('sha256', secret);
  hash.update(`validate-answer 1\0${canonicalJson(repo.config)}\n`);
  // JSON.stringify, not canonicalJson: the same file parses to the same key order, and it is ~20× cheaper
  for (const [kind, schema] of [...repo.schemas].sort(([a], [b]) => compareText(a, b)))
    hash.update(`schema\0${kind}\0${schema.file}\0${JSON.stringify(schema.schema)}\n`);
  for (const [path, blob] of [...repo.files].sort(([a], [b]) => compareText(a, b))) hash.update(`file\0${path}\0${blob}\n`);
  for (const [path, outcome] of [...(repo.sops ?? [])].sort(([a], [b]) => compareText(a, b))) hash.update(`sops\0${path}\0${outcome}\n`);
  // `cached` is `rendered` taken from the render cache: the same objects
  for (const unit of repo.renders ?? []) hash.update(`unit\0${unit.id}\0${unit.status === 'cached' ? 'rendered' : unit.status}\0${unit.key}\n`);
  for (const ci of repo.cis) if (ci.origin.render) hash.update(`rendered\0${canonicalJson(ci.origin)}\0${canonicalJson(ci.object)}\n`);
  return hash.digest('hex');
}

/** Whether a kept answer holds at `now`: its policy report read no clock but the exceptions', and `now` is in the span they gave. */
export function answerHolds(answer: ValidateAnswer, now: Date): boolean {
  const [from, to] = answer.holds;
  const t = now.getTime();
  return (from === null || t >= from) && (to === null || t < to);
}

/**
 * Keeps an answer in the cache, unless it cannot be kept:
 * - an inventory-scope expression reads `now` (the report is the clock's);
 * - a finding is about a CI holding a secret value — a Secret with values, a
 *   field its kind's schema marks `x-plumb-secret`, a SOPS-decrypted value —
 *   (a diagnostic placed in or related to its file, a policy result for it):
 *   as the per-file validation never keeps such a CI's findings
 *   (local-checks.ts), a finding may quote the value;
 * - it quotes a secret value in any form the output scrubber knows
 *   (engine/redact/scrubber.ts): a policy message about another CI that
 *   renders a related CI's secret;
 * - a kind schema could not be read, so which fields are secret is unknown
 *   (LoadedRepository.secretFieldsUnknown: the load writes no parse then);
 * - a policy document holds a SOPS-decrypted value (its texts are quoted in
 *   results about any CI, and the scrubber knows no value under 4 characters);
 * - a position in it fell back to a document's start because the load's
 *   text of that file could not be read again (LoadedRepository.textUnread:
 *   a revision's with no git on PATH): the key is the files, not where this
 *   run could read them.
 * Such an answer is computed afresh each time rather than written to disk.
 * What an entry still tells of a secret is that the checks and the policies
 * in Git found nothing about its CI — what the run's exit code says too.
 * `holds` is the span between the exception expiries around `now`: the same
 * exceptions apply anywhere in it.
 */
export function keepAnswer(
  cache: ContentCache,
  key: string,
  repo: Pick<LoadedRepository, 'cis' | 'schemas' | 'textUnread' | 'policyDocuments' | 'secretFieldsUnknown'>,
  answer: { checks: readonly Diagnostic[]; relations: number; policy: InventoryPolicyReport },
  now: Date,
): boolean {
  const { clock, ...policy } = answer.policy;
  if (clock.readsNow) return false;
  // a finding placed at its document's start because this run could not read the file's text again (no git for a
  // revision's): the files would give a better place, and a later run with the same files must get it
  if (repo.textUnread?.()) return false;
  // a Policy or PolicyException with SOPS-encrypted values: its name, reason or messages are quoted in results about
  // other CIs, and one shorter than the scrubber looks for (MIN_SCRUB_LENGTH: an exception's reason "ok!") would pass
  if (repo.policyDocuments.some((d) => d.secrets?.length)) return false;
  // a kind schema that could not be read: which fields are secret is unknown (the load stored no parse either)
  if (repo.secretFieldsUnknown) return false;
  const schemaOf = secretKindSchemas(repo.schemas);
  const ids = new Set<string>();
  const files = new Set<string>();
  for (const ci of repo.cis) {
    if (!ci.secretPointers?.length && !holdsSecretValues(ci.object, schemaOf)) continue;
    ids.add(ci.id);
    files.add(ci.origin.file);
  }
  if (ids.size > 0) {
    // by its CI too: a rendered object's finding is placed where a patch or a values line set the field (locate.ts)
    const about = (d: Diagnostic) =>
      (d.ci !== undefined && ids.has(d.ci)) ||
      (d.file !== undefined && files.has(d.file)) ||
      (d.related ?? []).some((r) => r.file !== undefined && files.has(r.file));
    if (answer.checks.some(about) || policy.diagnostics.some(about)) return false;
    if (policy.results.some((r) => r.ci !== null && ids.has(r.ci))) return false;
  }
  const t = now.getTime();
  let from: number | null = null;
  let to: number | null = null;
  for (const e of clock.expiries) {
    if (e <= t) from = from === null ? e : Math.max(from, e);
    else to = to === null ? e : Math.min(to, e);
  }
  const kept: ValidateAnswer = { checks: answer.checks, relations: answer.relations, policy, holds: [from, to] };
  if (secretScrubber.contains(JSON.stringify(kept))) return false;
  return cache.set(VALIDATE_ANSWER_NAMESPACE, key, kept) === 'written';
}
