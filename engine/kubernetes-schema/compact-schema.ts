/**
 * A compact form of Kubernetes OpenAPI v3 schemas: only what validation and
 * value comparison need (types, properties, required fields, enums, list
 * types and list-map keys with the defaults of their key fields, int-or-string,
 * resource quantities, preserve-unknown-fields) — no descriptions. The same
 * form is built from the pinned official spec (schemas/kubernetes/), from a
 * live API server's `/openapi/v3` and from a CRD's `openAPIV3Schema`.
 */
export interface SchemaNode {
  /** Type; `quantity` is a resource.Quantity, `int-or-string` an IntOrString, `any` accepts anything. */
  t?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'int-or-string' | 'quantity' | 'any';
  /** A named definition (components.schemas) this node is. */
  r?: string;
  /** Properties of an object. */
  p?: Record<string, SchemaNode>;
  /** additionalProperties: the schema of every value of a map. */
  a?: SchemaNode;
  /** Items of an array. */
  i?: SchemaNode;
  /** Required properties. */
  q?: string[];
  /** Allowed values. */
  e?: unknown[];
  /** x-kubernetes-list-type. */
  lt?: 'map' | 'set' | 'atomic';
  /** x-kubernetes-list-map-keys. */
  lk?: string[];
  /** Default value (used for list-map key fields, e.g. protocol TCP). */
  d?: unknown;
  /** Unknown fields are kept (x-kubernetes-preserve-unknown-fields): not an error. */
  u?: true;
}

export interface CompactSchemas {
  /** `group/version/Kind` (core: `v1/Kind`) → definition name. */
  readonly kinds: Record<string, string>;
  readonly defs: Record<string, SchemaNode>;
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const ANY_DEFS = new Set([
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
]);

type Raw = Record<string, any>;

/** Compacts one OpenAPI / structural schema node (refs become `r`). */
export function compactNode(raw: Raw | undefined): SchemaNode {
  if (!raw || typeof raw !== 'object') return { t: 'any' };
  const ref: string | undefined = raw.$ref ?? (Array.isArray(raw.allOf) && raw.allOf.length === 1 ? raw.allOf[0]?.$ref : undefined);
  if (typeof ref === 'string') {
    const name = ref.slice(ref.lastIndexOf('/') + 1);
    if (name === QUANTITY) return { t: 'quantity' };
    if (name === INT_OR_STRING) return { t: 'int-or-string' };
    if (ANY_DEFS.has(name)) return { t: 'any' };
    return { r: name, ...(raw.default !== undefined ? { d: raw.default } : {}) };
  }
  const n: SchemaNode = {};
  if (raw['x-kubernetes-int-or-string'] || raw.format === 'int-or-string') n.t = 'int-or-string';
  else if (raw.format === 'quantity') n.t = 'quantity';
  else if (typeof raw.type === 'string' && ['string', 'integer', 'number', 'boolean', 'object', 'array'].includes(raw.type)) n.t = raw.type as SchemaNode['t'];
  if (raw['x-kubernetes-preserve-unknown-fields'] || raw['x-kubernetes-embedded-resource']) n.u = true;
  if (raw.properties && typeof raw.properties === 'object') {
    n.p = {};
    for (const [k, v] of Object.entries(raw.properties)) n.p[k] = compactNode(v as Raw);
  }
  if (raw.additionalProperties && typeof raw.additionalProperties === 'object') n.a = compactNode(raw.additionalProperties);
  else if (raw.additionalProperties === true) n.u = true;
  if (raw.items && typeof raw.items === 'object') n.i = compactNode(raw.items);
  if (Array.isArray(raw.required) && raw.required.length) n.q = raw.required.map(String);
  if (Array.isArray(raw.enum) && raw.enum.length) n.e = raw.enum;
  if (['map', 'set', 'atomic'].includes(raw['x-kubernetes-list-type'])) n.lt = raw['x-kubernetes-list-type'];
  if (Array.isArray(raw['x-kubernetes-list-map-keys'])) n.lk = raw['x-kubernetes-list-map-keys'].map(String);
  if (raw.default !== undefined) n.d = raw.default;
  if (!n.t && !n.p && !n.a && !n.i) n.t = 'any';
  return n;
}

/** Adds the definitions and kinds of one OpenAPI v3 document (a group-version's) to `into`. */
export function addOpenApiDocument(doc: Raw, into: { kinds: Record<string, string>; defs: Record<string, SchemaNode> }): void {
  const schemas = (doc?.components?.schemas ?? {}) as Record<string, Raw>;
  for (const [name, raw] of Object.entries(schemas)) {
    if (name === QUANTITY || name === INT_OR_STRING || ANY_DEFS.has(name)) continue;
    if (!into.defs[name]) into.defs[name] = compactNode(raw);
    for (const gvk of (raw['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[]) {
      if (!raw.properties?.metadata) continue; // lists and options carry GVKs too; only objects with metadata are CIs
      if (gvk.kind.endsWith('List') && raw.properties?.items) continue;
      into.kinds[`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`] = name;
    }
  }
}
