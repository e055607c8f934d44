import { kubernetesValueEquality, type ValueEquality } from '../../kubernetes-schema/value-equality.js';

type Obj = Record<string, unknown>;

/** Top-level fields an apply does not write: `status` goes through its own subresource. */
const NOT_WRITTEN = new Set(['status']);

/**
 * The declared fields of `desired` that the server did not store as asked —
 * the post-apply read of a server-side apply. Only what Git declares is
 * checked: fields the server adds (defaults, `metadata.uid`, a mutating
 * admission's additions, entries other managers own in a shared list) are not
 * declared, so never differ. A declared field differs when the stored object
 * lacks it (a CRD's structural schema pruned it, a webhook removed it) or holds
 * another value by Kubernetes' value semantics (`kubernetesValueEquality`:
 * quantities by value, so `1000m` stored as `1` is no difference).
 *
 * Rules where the server legitimately rewrites: `status` is not written by an
 * apply; a declared `null`, empty mapping or empty list is "nothing" (the
 * comparison's own empty-versus-absent rule); list entries that carry a `name`
 * are matched by name (the API's merge key for containers, env, volumes,
 * ports…), other entries by position; a list of scalars with another length
 * than declared (a controller added a finalizer) only has to contain each
 * declared value.
 *
 * Returns the differing fields as dotted paths (`spec.template.spec.containers[main].image`),
 * in document order; an empty list when the object was stored as asked.
 */
export function storedMismatches(desired: Obj, stored: Obj, equality?: ValueEquality): string[] {
  const eq = equality ?? kubernetesValueEquality(String(desired.apiVersion), String(desired.kind));
  const out: string[] = [];
  for (const [key, value] of Object.entries(desired)) {
    if (NOT_WRITTEN.has(key)) continue;
    walk(value, stored[key], [key], key, eq, out);
  }
  return out;
}

function walk(want: unknown, got: unknown, path: string[], shown: string, eq: ValueEquality | undefined, out: string[]): void {
  if (isNothing(want)) return;
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return void out.push(shown);
    const named = want.every((w) => isMapping(w) && typeof w.name === 'string');
    if (named) {
      for (const w of want as Obj[]) {
        const name = String(w.name);
        const match = got.find((g) => isMapping(g) && g.name === name);
        if (match === undefined) out.push(`${shown}[${name}]`);
        else walk(w, match, [...path, name], `${shown}[${name}]`, eq, out);
      }
      return;
    }
    const scalars = want.every((w) => !isMapping(w) && !Array.isArray(w));
    if (scalars && got.length !== want.length) {
      want.forEach((w, i) => {
        if (!got.some((g) => sameScalar(w, g, [...path, String(i)], eq))) out.push(`${shown}[${i}]`);
      });
      return;
    }
    want.forEach((w, i) => {
      if (i >= got.length) out.push(`${shown}[${i}]`);
      else walk(w, got[i], [...path, String(i)], `${shown}[${i}]`, eq, out);
    });
    return;
  }
  if (isMapping(want)) {
    if (!isMapping(got)) return void out.push(shown);
    for (const [key, value] of Object.entries(want)) walk(value, got[key], [...path, key], `${shown}.${key}`, eq, out);
    return;
  }
  if (!sameScalar(want, got, path, eq)) out.push(shown);
}

function sameScalar(want: unknown, got: unknown, path: string[], eq: ValueEquality | undefined): boolean {
  if (want === got) return true;
  if (got === undefined || got === null) return false;
  return eq?.(path, want, got) ?? false;
}

function isMapping(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNothing(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isMapping(v) && Object.keys(v).length === 0);
}
