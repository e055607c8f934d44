import jsonpatch from 'fast-json-patch';
import type { ObjectDiff } from '../diff/diff-object.js';
import { redactPair } from '../diff/declared-view.js';
import { isDeepStrictEqual } from 'node:util';
import { unifiedYamlDiff } from '../diff/text-diff.js';
import type { MatchedPair } from '../plan/match-changes.js';
import type { PatchOp } from '../plan/types.js';
import { SENSITIVE } from '../redact/markers.js';
import { parsePointer } from '../model/json-pointer.js';
import { coveredBy, patternsBelow, type Pattern } from '../redact/pointer.js';
import { redactPatterns } from '../redact/redact-object.js';

/**
 * The review's comparison: whole documents, base → head. Unlike the plan's
 * drift diff (only declared fields, since the actual side carries defaults),
 * a field removed in the pull request is a change here, and so are relations,
 * owners and sources — the CMDB is the point of the review. The patch is
 * fast-json-patch's, its values redacted; the text diff marks a changed secret
 * `(sensitive, changed)` and never holds it; its headers are `--- base/<id>`
 * and `+++ head/<id>`.
 */
export function compareDocuments(pair: MatchedPair, secretPointers: readonly string[]): ObjectDiff {
  const head = pair.desired?.object;
  const base = pair.observed?.object;
  const secrets = secretPointers.map(parsePointer);
  if (head && base && isDeepStrictEqual(head, base)) return { changed: false, patch: [], paths: [], text: '' };
  const patch: PatchOp[] = !base
    ? [{ op: 'add', path: '', value: head }]
    : !head
      ? [{ op: 'remove', path: '' }]
      : (jsonpatch.compare(base as object, head as object) as PatchOp[]);
  const [headShown, baseShown] = redactPair(head, base, secrets);
  return {
    changed: true,
    patch: patch.map((op) => redactOp(op, secrets)),
    paths: patch.map((op) => op.path),
    text: unifiedYamlDiff(pair.id, baseShown, headShown, ['base', 'head']),
  };
}

function redactOp(op: PatchOp, secrets: readonly Pattern[]): PatchOp {
  if (op.value === undefined || secrets.length === 0) return op;
  const path = parsePointer(op.path);
  const value = coveredBy(secrets, path) ? SENSITIVE : redactPatterns(op.value, patternsBelow(secrets, path));
  return { ...op, value };
}
