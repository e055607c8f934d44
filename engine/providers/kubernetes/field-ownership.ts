import { formatPointer } from '../../model/json-pointer.js';

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
    collectLeaves(e.fieldsV1, object, [], target);
  }
  const out: string[] = [];
  for (const p of mine) {
    if (others.has(p)) continue;
    // another manager owning an ancestor as a whole (or a descendant) shares it
    if ([...others].some((q) => p.startsWith(`${q}/`) || q.startsWith(`${p}/`))) continue;
    out.push(p);
  }
  return out.sort();
}

function collectLeaves(node: Obj, value: unknown, path: string[], out: Set<string>): void {
  let children = 0;
  for (const key of Object.keys(node)) {
    if (key === '.') continue;
    children++;
    const step = stepInto(key, value);
    if (step === undefined) continue; // the live object no longer has it
    path.push(step.token);
    collectLeaves(node[key] ?? {}, step.value, path, out);
    path.pop();
  }
  if (children === 0 && path.length > 0) out.add(formatPointer(path));
}

function stepInto(key: string, value: unknown): { token: string; value: unknown } | undefined {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  if (kind === 'f:') {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !(rest in value)) return undefined;
    return { token: rest, value: (value as Obj)[rest] };
  }
  if (!Array.isArray(value)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    return undefined;
  }
  let i = -1;
  if (kind === 'k:' && typeof parsed === 'object' && parsed !== null) {
    i = value.findIndex((e) => typeof e === 'object' && e !== null && Object.entries(parsed as Obj).every(([k, v]) => (e as Obj)[k] === v));
  } else if (kind === 'v:') {
    i = value.findIndex((e) => JSON.stringify(e) === JSON.stringify(parsed));
  } else if (kind === 'i:' && typeof parsed === 'number') {
    i = parsed < value.length ? parsed : -1;
  }
  return i < 0 ? undefined : { token: String(i), value: value[i] };
}
