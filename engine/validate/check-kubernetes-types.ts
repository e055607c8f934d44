import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { checkObject } from '../kubernetes-schema/check-object.js';
import { SchemaSet } from '../kubernetes-schema/schema-set.js';
import { at, type Finding, type Locate } from './place.js';

/**
 * Kubernetes objects against their types, offline: built-in kinds against the
 * pinned OpenAPI schemas of Kubernetes v1.36.3, custom resources against the
 * CRDs of the inventory (engine/kubernetes-schema/). Each problem is placed at
 * its node (`file:line:column`): a number where Kubernetes wants a string, a
 * string `containerPort`, a duplicate `env` name (a list-map key), an unknown
 * field, a missing required one. Kinds neither source knows are left to the
 * API server (a plan checks them against the live `/openapi/v3`). `basic`: the
 * diagnostics of check-kubernetes.ts, so a missing field is not reported twice.
 * `addCrds: false` when `schemas` already holds the inventory's CRDs (validating
 * file by file: engine/validate/local-checks.ts).
 */
export function checkKubernetesTypes(
  cis: readonly CI[],
  locate: Locate,
  schemas: SchemaSet = new SchemaSet(),
  basic: readonly Finding[] = [],
  addCrds = true,
): Diagnostic[] {
  const kubernetes = cis.filter((ci) => ci.kubernetes);
  if (kubernetes.length === 0) return [];
  if (addCrds) addInventoryCrds(schemas, kubernetes);
  // what the basic checks (check-kubernetes.ts) already said about a node is not said again
  const said = new Map<string, string[]>();
  for (const f of basic) said.set(f.ci.id, [...(said.get(f.ci.id) ?? []), f.pointer]);
  const overlaps = (id: string, pointer: string) =>
    (said.get(id) ?? []).some((p) => p === pointer || p.startsWith(`${pointer}/`) || pointer.startsWith(`${p}/`));
  const out: Diagnostic[] = [];
  for (const ci of kubernetes) {
    const schema = schemas.schemaOf(ci.apiVersion, ci.kind);
    if (!schema) continue;
    for (const p of checkObject(ci.object, schema.root, schema.defs)) {
      if (overlaps(ci.id, p.field ?? p.pointer)) continue;
      out.push(at(locate, { code: p.code, message: `${ci.kind} ${p.message}`, hint: p.hint, ci, pointer: p.pointer }));
    }
  }
  return out;
}

/** Adds the CustomResourceDefinitions among `cis` to `schemas`, in order (a later definition of the same kind wins). */
export function addInventoryCrds(schemas: SchemaSet, cis: readonly CI[]): void {
  for (const ci of cis)
    if (ci.kubernetes && ci.kind === 'CustomResourceDefinition' && ci.apiVersion.startsWith('apiextensions.k8s.io/')) schemas.addCrd(ci.object);
}
