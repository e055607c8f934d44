import type { PatchOp } from './patch-op.js';
import { SENSITIVE } from '../redact/markers.js';
import { formatPointer } from '../model/json-pointer.js';
import { patternsBelow, type Pattern } from '../redact/pointer.js';
import { isCovered, step, trieFor, type PatternTrie } from '../redact/pointer-trie.js';
import { redactPatterns } from '../redact/redact-object.js';
import { isPlainObject } from '../model/plain-object.js';
import { isNameKeyed } from './shape.js';

export interface CompareOptions {
  /** Logical pointers (patterns) whose values are not compared. */
  readonly ignore: readonly string[];
  /** Logical pointers (patterns) whose values never go into a patch. */
  readonly secrets: readonly string[];
  /** The same secret pointers, parsed (to redact values added whole). */
  readonly secretPatterns: readonly Pattern[];
  /** Two different scalars that mean the same (Kubernetes quantities: engine/kubernetes-schema/value-equality.ts). */
  readonly equal?: (path: readonly string[], desired: unknown, observed: unknown) => boolean;
  /** An empty mapping, list or null declared where the observed object has nothing is no change (Kubernetes omits empty fields). */
  readonly absentIsEmpty?: boolean;
}

export interface Comparison {
  /** RFC 6902, observed → desired; paths index the observed lists. */
  readonly patch: PatchOp[];
  /** Logical pointers of what changed (entries of name-keyed lists by name). */
  readonly paths: string[];
}

type Live = PatternTrie[] | undefined;

interface Walk {
  readonly secrets: readonly Pattern[];
  readonly equal?: CompareOptions['equal'];
  readonly absentIsEmpty?: boolean;
  readonly out: Comparison;
  readonly opath: string[];
  readonly lpath: string[];
}

/**
 * Compares the fields `desired` declares with `observed`, and writes the RFC 6902
 * patch that makes the observed document agree on them.
 *
 * - A mapping key the desired side does not declare is not compared (defaults,
 *   status, fields set by other controllers are not drift).
 * - A name-keyed list is a map by name: entries are matched by name, entries
 *   only on the observed side are removed (a removal from Git is a change; an
 *   injected entry is silenced with ignoreDifferences `/…/list/<name>`).
 *   Patch ops for such a list run: nested ops at the observed indexes, then
 *   removals from the highest index down, then appends (`/-`), so every index
 *   is valid at the moment its op applies.
 * - Other lists of equal length are compared element by element; of different
 *   length they are replaced whole.
 * - A secret field observed as `(sensitive)` (a redacted snapshot) is unknown,
 *   so it is not compared.
 *
 * Ignore and secret patterns are tries walked in step with the document, and
 * paths are mutable stacks: this runs over every CI of every plan, and
 * allocation is most of its cost.
 */
export function compareDeclared(desired: unknown, observed: unknown, options: CompareOptions): Comparison {
  const w: Walk = {
    secrets: options.secretPatterns,
    equal: options.equal,
    absentIsEmpty: options.absentIsEmpty,
    out: { patch: [], paths: [] },
    opath: [],
    lpath: [],
  };
  const ign = trieFor(options.ignore);
  const sec = trieFor(options.secrets);
  walk(desired, observed, ign && [ign], sec && [sec], w);
  return w.out;
}

function walk(d: unknown, o: unknown, ign: Live, sec: Live, w: Walk): void {
  if (d === o) return;
  if (isCovered(ign)) return;
  // A snapshot records secrets as `(sensitive)`: their value is unknown, not different.
  if (o === SENSITIVE && isCovered(sec)) return;
  if (isPlainObject(d)) {
    if (!isPlainObject(o)) return emit('replace', d, sec, w);
    for (const k in d) {
      const dv = d[k];
      if (dv === undefined) continue;
      const ik = step(ign, k);
      if (isCovered(ik)) continue;
      w.opath.push(k);
      w.lpath.push(k);
      if (!Object.prototype.hasOwnProperty.call(o, k)) {
        if (!(w.absentIsEmpty && isEmpty(dv))) emit('add', dv, step(sec, k), w);
      } else walk(dv, o[k], ik, step(sec, k), w);
      w.opath.pop();
      w.lpath.pop();
    }
    return;
  }
  if (Array.isArray(d)) {
    if (!Array.isArray(o)) return emit('replace', d, sec, w);
    if (isNameKeyed(d)) return walkKeyed(d as Record<string, unknown>[], o, ign, sec, w);
    if (d.length !== o.length) return emit('replace', d, sec, w);
    for (let i = 0; i < d.length; i++) {
      const k = String(i);
      w.opath.push(k);
      w.lpath.push(k);
      walk(d[i], o[i], step(ign, k), step(sec, k), w);
      w.opath.pop();
      w.lpath.pop();
    }
    return;
  }
  if (typeof d === 'number' && typeof o === 'number' && Number.isNaN(d) && Number.isNaN(o)) return;
  if (w.equal && o !== undefined && (o === null || typeof o !== 'object') && w.equal(w.lpath, d, o)) return;
  emit('replace', d, sec, w);
}

function isEmpty(v: unknown): boolean {
  return v === null || (Array.isArray(v) ? v.length === 0 : isPlainObject(v) && Object.keys(v).length === 0);
}

function walkKeyed(d: Record<string, unknown>[], o: unknown[], ign: Live, sec: Live, w: Walk): void {
  const index = new Map<string, number>();
  for (let i = 0; i < o.length; i++) {
    const e = o[i];
    if (isPlainObject(e) && typeof e.name === 'string' && !index.has(e.name)) index.set(e.name, i);
  }
  const used = new Set<number>();
  const appends: Record<string, unknown>[] = [];
  for (const de of d) {
    const name = de.name as string;
    const i = index.get(name);
    if (i === undefined) {
      appends.push(de);
      continue;
    }
    used.add(i);
    w.opath.push(String(i));
    w.lpath.push(name);
    walk(de, o[i], step(ign, name), step(sec, name), w);
    w.opath.pop();
    w.lpath.pop();
  }
  for (let i = o.length - 1; i >= 0; i--) {
    if (used.has(i)) continue;
    const e = o[i];
    const name = isPlainObject(e) && typeof e.name === 'string' ? e.name : String(i);
    if (isCovered(step(ign, name))) continue;
    w.opath.push(String(i));
    w.lpath.push(name);
    emit('remove', undefined, undefined, w);
    w.opath.pop();
    w.lpath.pop();
  }
  for (const de of appends) {
    const name = de.name as string;
    if (isCovered(step(ign, name))) continue;
    w.opath.push('-');
    w.lpath.push(name);
    emit('add', de, step(sec, name), w);
    w.opath.pop();
    w.lpath.pop();
  }
}

function emit(op: 'add' | 'replace' | 'remove', value: unknown, sec: Live, w: Walk): void {
  const path = formatPointer(w.opath);
  w.out.paths.push(formatPointer(w.lpath));
  if (op === 'remove') {
    w.out.patch.push({ op, path });
    return;
  }
  let v = value;
  if (isCovered(sec)) v = SENSITIVE;
  else if (sec) v = redactPatterns(value, patternsBelow(w.secrets, w.lpath));
  w.out.patch.push({ op, path, value: v });
}
