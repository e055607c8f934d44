import type { PatchOp } from './patch-op.js';
import { parsePointer } from '../model/json-pointer.js';
import { isCovered, step, trieFor, type PatternTrie } from '../redact/pointer-trie.js';

/**
 * Fields apply will remove because Git stopped declaring them: of the fields
 * plumb owns on the observed object (`owned`: JSON Pointers into it — for
 * Kubernetes the fields of field manager `plumb` no other manager shares), each
 * one the desired document does not declare, walking down through mappings.
 *
 * A field under a list the desired document declares is left to the list
 * comparison (engine/diff/compare-declared.ts), which already adds, replaces and
 * removes entries; an ignored field (ignoreDifferences) is never removed.
 *
 * @returns `remove` ops at observed pointers, and the same pointers as paths,
 *   in `owned` order; fields under a path `existing` already changes are skipped.
 */
export function ownedRemovals(
  desired: unknown,
  observed: unknown,
  owned: readonly string[],
  ignore: readonly string[],
  existing: readonly string[],
): { patch: PatchOp[]; paths: string[] } {
  const patch: PatchOp[] = [];
  const paths: string[] = [];
  const ign = trieFor(ignore);
  for (const pointer of owned) {
    const tokens = parsePointer(pointer);
    if (!undeclared(desired, tokens, ign ? [ign] : undefined)) continue;
    if (!present(observed, tokens)) continue;
    if (existing.some((p) => p === '' || pointer === p || pointer.startsWith(`${p}/`))) continue;
    patch.push({ op: 'remove', path: pointer });
    paths.push(pointer);
  }
  return { patch, paths };
}

/** Does the desired document leave this field out (a mapping on the way lacks the key)? */
function undeclared(desired: unknown, tokens: readonly string[], ign: PatternTrie[] | undefined): boolean {
  let node = desired;
  let live = ign;
  for (const t of tokens) {
    live = step(live, t);
    if (isCovered(live)) return false;
    if (Array.isArray(node)) return false; // a declared list: compared as a list
    if (typeof node !== 'object' || node === null) return false; // declared as a scalar: compared already
    if (!Object.prototype.hasOwnProperty.call(node, t) || (node as Record<string, unknown>)[t] === undefined) return true;
    node = (node as Record<string, unknown>)[t];
  }
  return false;
}

function present(value: unknown, tokens: readonly string[]): boolean {
  let node = value;
  for (const t of tokens) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, t)) return false;
    node = (node as Record<string, unknown>)[t];
  }
  return true;
}

/** Copies the removed fields' observed values into a view of the observed document, so the text diff shows them go. */
export function withRemoved(view: unknown, observed: unknown, removed: readonly string[]): unknown {
  if (removed.length === 0) return view;
  const out = structuredClone(view ?? {}) as Record<string, unknown>;
  for (const pointer of removed) {
    const tokens = parsePointer(pointer);
    let src: unknown = observed;
    let dst: Record<string, unknown> = out;
    tokens.forEach((t, i) => {
      src = (src as Record<string, unknown>)[t];
      if (i === tokens.length - 1) dst[t] = structuredClone(src);
      else {
        if (typeof dst[t] !== 'object' || dst[t] === null) dst[t] = Array.isArray(src) ? [] : {};
        dst = dst[t] as Record<string, unknown>;
      }
    });
  }
  return out;
}
