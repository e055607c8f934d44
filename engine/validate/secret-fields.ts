import type { KindSchema } from '../load/types.js';

/**
 * Fields a kind schema marks `"x-plumb-secret": true` hold values that must never
 * appear in any output (DESIGN.md, "Secrets"). The keyword itself does nothing
 * during validation; this module tells redaction code where the secrets are.
 */
export const SECRET_KEYWORD = 'x-plumb-secret';

/**
 * JSON Pointers (into the whole CI document) of every field the schema (a
 * loader KindSchema or the bare JSON Schema) marks
 * secret. Array items and map values are written `*`, e.g. `/spec/users/*\/password`.
 * Follows `properties`, `patternProperties` / `additionalProperties` (as `*`),
 * `items`, and the branches of `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else`; local
 * `$ref`s (`#/definitions/…`, `#/$defs/…`) are followed once per path.
 *
 * @example secretPointers({properties: {spec: {properties: {password: {type: 'string', 'x-plumb-secret': true}}}}})
 *   // → ['/spec/password']
 */
export function secretPointers(kindSchema: KindSchema | Readonly<Record<string, unknown>>): string[] {
  const schema = isKindSchema(kindSchema) ? kindSchema.schema : kindSchema;
  const found = new Set<string>();
  walk(schema, '', schema, new Set(), found);
  return [...found].sort();
}

function walk(node: unknown, pointer: string, root: Readonly<Record<string, unknown>>, refs: Set<string>, found: Set<string>): void {
  if (!isObject(node)) return;
  if (node[SECRET_KEYWORD] === true) found.add(pointer);
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/') && !refs.has(ref)) {
    walk(resolveLocal(root, ref), pointer, root, new Set([...refs, ref]), found);
  }
  if (isObject(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) walk(child, `${pointer}/${escape(key)}`, root, refs, found);
  }
  if (isObject(node.patternProperties)) {
    for (const child of Object.values(node.patternProperties)) walk(child, `${pointer}/*`, root, refs, found);
  }
  walk(node.additionalProperties, `${pointer}/*`, root, refs, found);
  if (Array.isArray(node.items)) node.items.forEach((child, i) => walk(child, `${pointer}/${i}`, root, refs, found));
  else walk(node.items, `${pointer}/*`, root, refs, found);
  for (const branch of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[branch];
    if (Array.isArray(list)) for (const child of list) walk(child, pointer, root, refs, found);
  }
  for (const branch of ['if', 'then', 'else'] as const) walk(node[branch], pointer, root, refs, found);
}

/** A loader KindSchema (`{kind, schema, file}`) rather than a bare JSON Schema. */
function isKindSchema(value: KindSchema | Readonly<Record<string, unknown>>): value is KindSchema {
  return typeof value.kind === 'string' && typeof value.file === 'string' && isObject(value.schema);
}

function resolveLocal(root: Readonly<Record<string, unknown>>, ref: string): unknown {
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!isObject(node)) return undefined;
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
