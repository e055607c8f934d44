import { formatPointer } from './pointer.js';

/** Values of a Kubernetes Secret: always secret, whatever the schema says. */
export const KUBERNETES_SECRET_POINTERS: readonly string[] = ['/data/*', '/stringData/*'];

export function isKubernetesSecret(object: Readonly<Record<string, unknown>> | undefined): boolean {
  return object?.kind === 'Secret' && object.apiVersion === 'v1';
}

/**
 * The secret fields of one document: Kubernetes Secret values, plus the fields
 * its kind's schema marks `"x-plumb-secret": true`.
 */
export function secretPointersOf(object: Readonly<Record<string, unknown>> | undefined, schema?: unknown): string[] {
  const out = isKubernetesSecret(object) ? [...KUBERNETES_SECRET_POINTERS] : [];
  if (schema) out.push(...schemaSecretPointers(schema));
  return out;
}

/**
 * Pointer patterns of the fields a JSON Schema marks `x-plumb-secret`. Array
 * items and additional properties become `*`. A schema that describes the
 * whole document (it has `properties.spec`) is walked from the root; one that
 * describes only `spec` (DESIGN.md: "schemas/Database.schema.json validates
 * spec") from `/spec`. `$ref`s are not followed.
 */
export function schemaSecretPointers(schema: unknown): string[] {
  const s = schema as { properties?: Record<string, unknown> } | undefined;
  const base = s?.properties && 'spec' in s.properties ? [] : ['spec'];
  const out = new Set<string>();
  walk(schema, base, out, 0);
  return [...out];
}

function walk(node: unknown, path: string[], out: Set<string>, depth: number): void {
  if (typeof node !== 'object' || node === null || depth > 32) return;
  const n = node as Record<string, unknown>;
  if (n['x-plumb-secret'] === true) {
    out.add(formatPointer(path));
    return;
  }
  if (typeof n.properties === 'object' && n.properties) {
    for (const [k, v] of Object.entries(n.properties)) walk(v, [...path, k], out, depth + 1);
  }
  if (typeof n.patternProperties === 'object' && n.patternProperties) {
    for (const v of Object.values(n.patternProperties)) walk(v, [...path, '*'], out, depth + 1);
  }
  if (typeof n.additionalProperties === 'object') walk(n.additionalProperties, [...path, '*'], out, depth + 1);
  if (Array.isArray(n.items)) for (const v of n.items) walk(v, [...path, '*'], out, depth + 1);
  else if (typeof n.items === 'object') walk(n.items, [...path, '*'], out, depth + 1);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(n[key])) for (const v of n[key] as unknown[]) walk(v, path, out, depth + 1);
  }
  for (const key of ['then', 'else'] as const) walk(n[key], path, out, depth + 1);
}
