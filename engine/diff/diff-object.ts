import type { PatchOp } from './patch-op.js';
import { type Pattern } from '../redact/pointer.js';
import { cachedPatterns } from '../redact/pointer-trie.js';
import { redactPatterns } from '../redact/redact-object.js';
import { compareDeclared } from './compare-declared.js';
import { declaredView, omitPatterns, redactPair } from './declared-view.js';
import { normalizeDesiredSecret } from '../redact/normalize-secret.js';
import { ownedRemovals, withRemoved } from './owned-removals.js';
import { defineLazyCreateText, unifiedYamlDiff } from './text-diff.js';

export interface DiffOptions {
  /** Pointer patterns not compared (see ignorePointersFor). */
  readonly ignorePointers?: readonly string[];
  /** Pointer patterns whose values never appear (see secretPointersOf). */
  readonly secretPointers?: readonly string[];
  /** Identity, for the diff headers. */
  readonly id?: string;
  /** Render the text diff (default true); off for pure drift checks. */
  readonly text?: boolean;
  /**
   * JSON Pointers of the observed fields plumb alone owns (ObservedObject.owned):
   * those the desired document no longer declares are removals (engine/diff/owned-removals.ts).
   */
  readonly owned?: readonly string[];
  /** Scalars that mean the same although written differently (CompareOptions.equal). */
  readonly equal?: (path: readonly string[], desired: unknown, observed: unknown) => boolean;
  /** Empty declared = absent observed (CompareOptions.absentIsEmpty). */
  readonly absentIsEmpty?: boolean;
}

export interface ObjectDiff {
  readonly changed: boolean;
  /** RFC 6902, observed → desired; secret values replaced by `(sensitive)`. */
  readonly patch: PatchOp[];
  /** Logical pointers of changed fields (name-keyed entries by name). */
  readonly paths: string[];
  /** Unified YAML diff, redacted; `''` when unchanged. */
  readonly text: string;
}

type Doc = Readonly<Record<string, unknown>>;

const NONE: readonly string[] = Object.freeze([]);

/**
 * Diffs one desired document against its observed counterpart — only the
 * fields desired declares, plus the fields plumb owns that desired no longer
 * declares (`owned`: removed by apply), minus ignored pointers, secrets redacted. Either
 * side may be absent: no observed is a create (`add ""`), no desired a delete
 * (`remove ""`). The text diff is rendered only for changed objects.
 *
 * @example
 *   diffObject(desired.object, observed.object, { id, ignorePointers: ignorePointersFor(ci, config.ignoreDifferences),
 *     secretPointers: secretPointersOf(ci.object, schema) })
 */
export function diffObject(desired: Doc | undefined, observed: Doc | undefined, options: DiffOptions = {}): ObjectDiff {
  const ignore = cachedPatterns(options.ignorePointers ?? NONE);
  const secrets = cachedPatterns(options.secretPointers ?? NONE);
  const id = options.id ?? 'object';
  const withText = options.text !== false;
  if (desired === undefined && observed === undefined) return { changed: false, patch: [], paths: [], text: '' };
  if (observed === undefined) {
    const value = redactPatterns(omitPatterns(desired, ignore), secrets);
    const created: ObjectDiff = { changed: true, patch: [{ op: 'add', path: '', value }], paths: [''], text: '' };
    // the text of a create is rendered only when read (apply never shows it)
    if (withText && value !== null && typeof value === 'object') defineLazyCreateText(created, 'text', id, value);
    else if (withText) return { ...created, text: unifiedYamlDiff(id, undefined, value) };
    return created;
  }
  if (desired === undefined) {
    return {
      changed: true,
      patch: [{ op: 'remove', path: '' }],
      paths: [''],
      text: withText ? unifiedYamlDiff(id, redactPatterns(omitPatterns(observed, ignore), secrets), undefined) : '',
    };
  }
  const wanted = normalizeDesiredSecret(desired, observed);
  // the same document on both sides (a provider's projection that is the live object itself: a kept dry-run answer of
  // the steady state): nothing declared differs and no field is left out, so no owned field is removed — without
  // walking every owned pointer of it
  if (wanted === observed) return { changed: false, patch: [], paths: [], text: '' };
  const compared = compareDeclared(wanted, observed, {
    ignore: options.ignorePointers ?? [],
    secrets: options.secretPointers ?? [],
    secretPatterns: secrets,
    ...(options.equal ? { equal: options.equal } : {}),
    ...(options.absentIsEmpty ? { absentIsEmpty: true } : {}),
  });
  const removed = options.owned?.length
    ? ownedRemovals(wanted, observed, options.owned, options.ignorePointers ?? [], compared.paths)
    : { patch: [], paths: [] };
  const patch = [...compared.patch, ...removed.patch];
  const paths = [...compared.paths, ...removed.paths];
  if (patch.length === 0) return { changed: false, patch, paths, text: '' };
  return { changed: true, patch, paths, text: withText ? textOf(id, wanted, observed, ignore, secrets, removed.paths) : '' };
}

function textOf(id: string, desired: Doc, observed: Doc, ignore: readonly Pattern[], secrets: readonly Pattern[], removed: readonly string[]): string {
  const o = omitPatterns(withRemoved(declaredView(desired, observed), observed, removed), ignore);
  const d = omitPatterns(desired, ignore);
  const [dr, or] = redactPair(d, o, secrets);
  return unifiedYamlDiff(id, or, dr);
}
