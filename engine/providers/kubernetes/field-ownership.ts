import { escapePointerToken } from '../../model/json-pointer.js';

type Obj = Record<string, any>;

/** The field manager plumb applies as. */
export const FIELD_MANAGER = 'plumb';

/**
 * The fields of a live object that field manager `manager` owns alone, as JSON
 * Pointers into the object (list entries by their index in it), read from
 * `metadata.managedFields` (FieldsV1: `f:name` fields, `k:{…}` list-map entries,
 * `v:…` set members, `.` the node itself). A field another manager also owns
 * (a label set by `kubectl label`, a replica count an HPA writes) is not in the
 * set: server-side apply keeps such a field when plumb stops declaring it, so the
 * plan must not show it removed. Used to show, before apply, the fields apply
 * will remove because Git no longer declares them.
 *
 * @returns leaf pointers, sorted; `[]` when the manager owns nothing.
 */
export function soleOwnedFields(object: Obj, manager: string = FIELD_MANAGER): string[] {
  const entries = (object.metadata?.managedFields ?? []) as Obj[];
  const mine = new Set<string>();
  const others = new Set<string>();
  for (const e of entries) {
    if (e.fieldsType !== 'FieldsV1' || typeof e.fieldsV1 !== 'object' || e.fieldsV1 === null) continue;
    const target = e.manager === manager && e.operation === 'Apply' ? mine : others;
    collectLeaves(e.fieldsV1, object, '', target);
  }
  if (mine.size === 0) return [];
  // another manager owning an ancestor as a whole (or a descendant) shares it: every proper ancestor of
  // another manager's leaf, so that each of mine is checked by its own ancestors (linear, not mine × others)
  const sharedAbove = new Set<string>();
  for (const q of others) for (let i = q.indexOf('/', 1); i > 0; i = q.indexOf('/', i + 1)) sharedAbove.add(q.slice(0, i));
  const out: string[] = [];
  for (const p of mine) {
    if (others.has(p) || sharedAbove.has(p) || hasAncestorIn(p, others)) continue;
    out.push(p);
  }
  return out.sort();
}

/** Whether a proper ancestor of `pointer` (`/a` and `/a/b` of `/a/b/c`) is in `set`. */
function hasAncestorIn(pointer: string, set: ReadonlySet<string>): boolean {
  for (let i = pointer.indexOf('/', 1); i > 0; i = pointer.indexOf('/', i + 1)) if (set.has(pointer.slice(0, i))) return true;
  return false;
}

/** Adds the pointer of every leaf of a FieldsV1 `node` (under `pointer`, the path walked so far) that `value` still has. */
function collectLeaves(node: Obj, value: unknown, pointer: string, out: Set<string>): void {
  let children = 0;
  for (const key of Object.keys(node)) {
    if (key === '.') continue;
    children++;
    const kind = key.slice(0, 2);
    const rest = key.slice(2);
    if (kind === 'f:') {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, rest)) continue; // the live object no longer has it (an own field: `constructor` is every object's by inheritance)
      collectLeaves(node[key] ?? {}, (value as Obj)[rest], `${pointer}/${escapePointerToken(rest)}`, out);
      continue;
    }
    const i = listIndex(kind, rest, value);
    if (i < 0) continue; // the live object no longer has it
    collectLeaves(node[key] ?? {}, (value as unknown[])[i], `${pointer}/${i}`, out);
  }
  if (children === 0 && pointer !== '') out.add(pointer);
}

/** The index in the live list `value` of a FieldsV1 list key (`k:{…}` list-map entry, `v:…` set member, `i:N`); -1 when absent. */
function listIndex(kind: string, rest: string, value: unknown): number {
  if (!Array.isArray(value)) return -1;
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    return -1;
  }
  if (kind === 'k:' && typeof parsed === 'object' && parsed !== null) {
    const fields = Object.entries(parsed as Obj);
    return value.findIndex((e) => typeof e === 'object' && e !== null && fields.every(([k, v]) => (e as Obj)[k] === v));
  }
  if (kind === 'v:') {
    const wanted = JSON.stringify(parsed);
    return value.findIndex((e) => JSON.stringify(e) === wanted);
  }
  if (kind === 'i:' && typeof parsed === 'number') return parsed < value.length ? parsed : -1;
  return -1;
}
