import { isDeepStrictEqual } from 'node:util';
import { lazyCreateText, unifiedYamlDiff } from '../diff/text-diff.js';
import type { PatchOp } from '../diff/patch-op.js';
import { formatPointer, parsePointer } from '../model/json-pointer.js';
import type { Plan, PlannedChange } from './types.js';

/** The plan format this plumb writes (schemas/plan.schema.json `version`). */
export const PLAN_VERSION = 2;

/**
 * A planned change as a plan file holds it (version 2): a create's object is
 * written once, in `desired`. When the patch is the whole desired object
 * (`[{op: add, path: "", value: <desired>}]`) it is written `"patchFrom":
 * "desired"` instead — with `"patchWithout": [pointers]` when the patch leaves
 * out fields plumb does not compare (`relations`, ignoreDifferences) — and
 * when the text diff is the one that value renders to (every line added) it is
 * written `"diffFrom": "desired"`. A kube-prometheus
 * plan held each CRD three times — patch, diff and desired — 19.4 MB for 130
 * objects.
 */
export type PlanFileChange = Omit<PlannedChange, 'patch' | 'diff'> & {
  readonly patch?: readonly PatchOp[];
  readonly diff?: string;
  readonly patchFrom?: 'desired';
  /** JSON Pointers of the fields of `desired` the patch's value leaves out. */
  readonly patchWithout?: readonly string[];
  readonly diffFrom?: 'desired';
};

/** A plan as a plan file holds it: {@link Plan} with its changes (and its drift's) in {@link PlanFileChange} form. */
export type PlanFile = Omit<Plan, 'changes' | 'drift'> & { readonly changes: readonly PlanFileChange[]; readonly drift?: PlanFile };

/** Written forms already computed, per change value: the plan's hash and its JSON both ask. */
const written = new WeakMap<PlannedChange, PlanFileChange>();

/**
 * The file form of a plan (version 2): each change through {@link toFileChange},
 * the drift plan's too. A version 1 plan (read from an old file) is returned as
 * it is: its hash covers its full form.
 */
export function toPlanFile(plan: Omit<Plan, 'hash'> | Plan): Omit<PlanFile, 'hash'> | PlanFile {
  if (plan.version === 1) return plan as PlanFile;
  return {
    ...plan,
    changes: plan.changes.map(toFileChange),
    ...(plan.drift ? { drift: toPlanFile(plan.drift) as PlanFile } : {}),
  };
}

/**
 * The in-memory plan of a plan file: `patchFrom`/`diffFrom` restored from
 * `desired` (the diff rendered again as planning renders it, when first read).
 * A version 1 file is already in full form.
 */
export function fromPlanFile(file: PlanFile): Plan {
  if (file.version === 1) return file as unknown as Plan;
  return {
    ...file,
    changes: file.changes.map(fromFileChange),
    ...(file.drift ? { drift: fromPlanFile(file.drift) } : {}),
  } as Plan;
}

/** One change in its written form (see {@link PlanFileChange}); the same value for the same change. */
export function toFileChange(change: PlannedChange): PlanFileChange {
  const known = written.get(change);
  if (known) return known;
  let out: PlanFileChange = change;
  const whole = wholeObjectAdd(change.patch);
  const without = change.desired && whole !== undefined ? leftOut(change.desired, whole) : undefined;
  if (without) {
    // the text planning rendered from the patch's value (remembered by unifiedYamlDiff, not rendered again)
    // (or, not rendered yet, the create's text of that very value: it is not rendered to find out)
    const lazy = lazyCreateText(change, 'diff');
    const diffFrom = lazy
      ? lazy.id === change.id && lazy.desired === whole
      : change.diff !== '' && change.diff === unifiedYamlDiff(change.id, undefined, whole);
    // keys in the order a change is written: patchFrom and diffFrom where patch and diff were (a value is read
    // only when it is written: reading `diff` renders it)
    out = Object.fromEntries(
      Object.keys(change).flatMap((k): [string, unknown][] =>
        k === 'patch'
          ? [['patchFrom', 'desired'], ...(without.length ? [['patchWithout', without] as [string, unknown]] : [])]
          : k === 'diff' && diffFrom
            ? [['diffFrom', 'desired']]
            : [[k, change[k as keyof PlannedChange]]],
      ),
    ) as PlanFileChange;
  }
  written.set(change, out);
  return out;
}

function fromFileChange(change: PlanFileChange): PlannedChange {
  if (change.patchFrom === undefined && change.diffFrom === undefined) return change as PlannedChange;
  if (change.desired === undefined || (change.patchFrom ?? 'desired') !== 'desired' || (change.diffFrom ?? 'desired') !== 'desired') {
    throw new TypeError(`change ${String(change.id)}: patchFrom and diffFrom can only be "desired", with desired present`);
  }
  const without = change.patchWithout ?? [];
  if (!Array.isArray(without) || without.some((p) => typeof p !== 'string' || !p.startsWith('/'))) {
    throw new TypeError(`change ${String(change.id)}: patchWithout must be a list of JSON Pointers`);
  }
  const desired = without.length ? omitPointers(change.desired, without) : change.desired;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(change)) {
    if (k === 'patchWithout') continue;
    if (k === 'patchFrom') out.patch = [{ op: 'add', path: '', value: desired }];
    else if (k === 'diffFrom') {
      // rendered when first read (apply never shows it; a 700 KB CRD renders in a second)
      let text: string | undefined;
      Object.defineProperty(out, 'diff', {
        enumerable: true,
        configurable: true,
        get: () => (text ??= unifiedYamlDiff(change.id, undefined, desired)),
        set: (value: string) => Object.defineProperty(out, 'diff', { value, enumerable: true, writable: true, configurable: true }),
      });
    } else out[k] = v;
  }
  // its written form is the one it was read from: the hash is checked against it, and nothing is rendered to do so
  written.set(out as unknown as PlannedChange, change);
  return out as unknown as PlannedChange;
}

/** The value of a patch that adds the whole object (`[{op: add, path: "", value}]`), else undefined. */
function wholeObjectAdd(patch: readonly PatchOp[] | undefined): unknown {
  // undefined: a change already in its written form (patchFrom), hashed as it is
  if (patch?.length !== 1) return undefined;
  const op = patch[0] as { op: string; path: string; value?: unknown };
  return op.op === 'add' && op.path === '' ? op.value : undefined;
}

/**
 * The pointers of the fields `desired` has and `value` leaves out, when that is
 * the only difference between them (`[]` when equal); undefined when `value`
 * differs otherwise (then the patch is written whole).
 */
function leftOut(desired: unknown, value: unknown): string[] | undefined {
  const out: string[] = [];
  const walk = (d: unknown, v: unknown, path: string[]): boolean => {
    if (!isRecord(d) || !isRecord(v)) return isDeepStrictEqual(d, v);
    for (const key of Object.keys(v)) if (!(key in d)) return false;
    for (const key of Object.keys(d)) {
      if (!(key in v)) out.push(formatPointer([...path, key]));
      else if (!walk(d[key], v[key], [...path, key])) return false;
    }
    return true;
  };
  return walk(desired, value, []) ? out : undefined;
}

/** A copy of `value` without the fields at `pointers` (objects only; a pointer that names nothing is ignored). */
function omitPointers(value: Readonly<Record<string, unknown>>, pointers: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const pointer of pointers) {
    const tokens = parsePointer(pointer);
    let at: unknown = copy;
    for (const token of tokens.slice(0, -1)) at = isRecord(at) ? at[token] : undefined;
    if (isRecord(at)) delete at[tokens[tokens.length - 1]];
  }
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
