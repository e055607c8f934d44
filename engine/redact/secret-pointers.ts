import { escapePointerToken, formatPointer, unescapePointerToken } from '../model/json-pointer.js';
import { isPlainObject } from '../model/plain-object.js';

/**
 * The one place plumb decides which fields of a document hold secrets. Every
 * redaction (plan, review, `--out`, snapshots, TUI, validate's excerpts) and
 * every free-text scrub (engine/redact/scrubber.ts) starts from here.
 */

/** The keyword a kind schema puts on a field whose value is secret. */
export const SECRET_KEYWORD = 'x-plumb-secret';

/** kubectl's client-side apply annotation: a full JSON copy of the object, so of a Secret's values too. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Values of a Kubernetes Secret: always secret, whatever the schema says —
 * `data`, `stringData`, and the last-applied-configuration annotation that
 * kubectl writes with a copy of both.
 */
export const KUBERNETES_SECRET_POINTERS: readonly string[] = [
  '/data/*',
  '/stringData/*',
  `/metadata/annotations/${escapePointerToken(LAST_APPLIED_ANNOTATION)}`,
];

/**
 * A Kubernetes core/v1 Secret, as the API server means it. Used where the
 * server's behaviour matters (stringData folded into data).
 */
export function isKubernetesSecret(object: Readonly<Record<string, unknown>> | undefined): boolean {
  return object?.kind === 'Secret' && object.apiVersion === 'v1';
}

/**
 * A document whose `data`/`stringData` are treated as secret: any `kind:
 * Secret`, whatever its apiVersion (or none). Broader than isKubernetesSecret
 * on purpose — a misspelt apiVersion must not print the values.
 */
export function holdsSecretData(object: Readonly<Record<string, unknown>> | undefined): boolean {
  return object?.kind === 'Secret';
}

/**
 * The secret fields of one document, as JSON Pointer patterns (`*` = any key
 * or index): the Secret values above when the document is a Secret, plus the
 * fields its kind's schema marks `"x-plumb-secret": true`.
 *
 * @param object the whole document (or undefined to get only the schema's fields)
 * @param schema the kind's JSON Schema, describing the whole document
 * @example secretPointersOf({kind: 'Database', spec: {password: 'x'}}, schema) // → ['/spec/password']
 */
export function secretPointersOf(object: Readonly<Record<string, unknown>> | undefined, schema?: unknown): string[] {
  const out = holdsSecretData(object) ? [...KUBERNETES_SECRET_POINTERS] : [];
  if (schema) out.push(...schemaSecretPointers(schema));
  return out;
}

const bySchema = new WeakMap<object, string[]>();

/**
 * Pointer patterns (into the whole document) of every field a JSON Schema
 * marks `x-plumb-secret`, at any depth: `properties`, `patternProperties` and
 * `additionalProperties` (as `*`), `items` (a list of item schemas by index, a
 * single one as `*`), the branches of `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else`/`not`,
 * and local `$ref`s (`#/definitions/…`, `#/$defs/…`, `#`), each followed once
 * per path so recursive schemas end. Kind schemas describe the whole document
 * (`apiVersion`, `kind`, `metadata`, `spec`), so a mark at the top level names
 * a top-level field. Memoised per schema object. Sorted.
 *
 * @example schemaSecretPointers({properties: {spec: {properties: {password: {'x-plumb-secret': true}}}}}) // → ['/spec/password']
 */
export function schemaSecretPointers(schema: unknown): string[] {
  if (!isPlainObject(schema)) return [];
  const cached = bySchema.get(schema);
  if (cached) return [...cached];
  const found = new Set<string>();
  walk(schema, [], schema, new Set(), found, 0);
  const result = [...found].sort();
  bySchema.set(schema, result);
  return [...result];
}

/** Depth bound: a hostile schema cannot make the walk unbounded (refs are also visited once per path). */
const MAX_DEPTH = 64;

function walk(node: unknown, path: string[], root: Record<string, unknown>, refs: ReadonlySet<string>, found: Set<string>, depth: number): void {
  if (!isPlainObject(node) || depth > MAX_DEPTH) return;
  if (node[SECRET_KEYWORD] === true) {
    found.add(formatPointer(path));
    return;
  }
  const ref = node.$ref;
  if (typeof ref === 'string' && (ref === '#' || ref.startsWith('#/')) && !refs.has(ref)) {
    walk(resolveLocal(root, ref), path, root, new Set([...refs, ref]), found, depth + 1);
  }
  if (isPlainObject(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) walk(child, [...path, key], root, refs, found, depth + 1);
  }
  if (isPlainObject(node.patternProperties)) {
    for (const child of Object.values(node.patternProperties)) walk(child, [...path, '*'], root, refs, found, depth + 1);
  }
  walk(node.additionalProperties, [...path, '*'], root, refs, found, depth + 1);
  if (Array.isArray(node.items)) node.items.forEach((child, i) => walk(child, [...path, String(i)], root, refs, found, depth + 1));
  else walk(node.items, [...path, '*'], root, refs, found, depth + 1);
  walk(node.additionalItems, [...path, '*'], root, refs, found, depth + 1);
  for (const branch of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[branch];
    if (Array.isArray(list)) for (const child of list) walk(child, path, root, refs, found, depth + 1);
  }
  for (const branch of ['if', 'then', 'else', 'not'] as const) walk(node[branch], path, root, refs, found, depth + 1);
}

function resolveLocal(root: Record<string, unknown>, ref: string): unknown {
  if (ref === '#') return root;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!isPlainObject(node)) return undefined;
    node = node[unescapePointerToken(part)];
  }
  return node;
}
