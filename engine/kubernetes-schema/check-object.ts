import { formatPointer } from '../model/json-pointer.js';
import { isQuantity } from './quantity.js';
import type { SchemaNode } from './compact-schema.js';

export type TypeProblemCode = 'k8s.type-invalid' | 'k8s.field-unknown' | 'k8s.field-required' | 'k8s.list-key-duplicate' | 'k8s.value-not-allowed';

/** One place where an object does not fit its Kubernetes schema. */
export interface TypeProblem {
  readonly code: TypeProblemCode;
  /** JSON Pointer of the offending node in the object. */
  readonly pointer: string;
  readonly message: string;
  readonly hint: string;
  /** For a missing required field: the pointer it would have. */
  readonly field?: string;
}

/** At most this many problems are reported per object (a wrong file can have thousands). */
export const MAX_PROBLEMS = 20;

type Defs = Readonly<Record<string, SchemaNode>>;

/**
 * Checks an object against its schema the way the API server types it for
 * server-side apply: each value's type (a number where Kubernetes wants a
 * string — ConfigMap `data`, `env[].value` — a string `containerPort`),
 * int-or-string and resource quantities, enums, required fields, fields the
 * schema does not declare (kubectl's default `--validate=strict` refuses them),
 * and the list-map keys (`x-kubernetes-list-map-keys`, key fields defaulted as
 * the schema says, e.g. a port's protocol TCP) and set members that must be
 * unique. `metadata.managedFields` and `status` are not checked (the server owns
 * them). `null` is accepted anywhere: Kubernetes reads it as absent.
 */
export function checkObject(object: unknown, root: SchemaNode, defs: Defs): TypeProblem[] {
  const problems: TypeProblem[] = [];
  const path: string[] = [];
  /** The same path in Kubernetes' notation: `.spec.containers[0].env[1].value`. */
  const shown: string[] = [];
  const report = (code: TypeProblemCode, message: string, hint: string, at: readonly string[] = path, field?: string) => {
    if (problems.length < MAX_PROBLEMS)
      problems.push({ code, pointer: formatPointer(at), message, hint, ...(field === undefined ? {} : { field: formatPointer([...at, field]) }) });
  };

  const walk = (value: unknown, node: SchemaNode, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS || depth > 64) return;
    const n = resolve(node, defs);
    if (value === null || value === undefined || n.t === 'any') return;
    const where = shown.join('') || '.';
    switch (n.t) {
      case 'string':
        if (typeof value !== 'string')
          return report(
            'k8s.type-invalid',
            `${where} must be a string, not ${describe(value)}`,
            'quote the value (YAML reads 3, 1.0, true, yes and on as other types)',
          );
        break;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value))
          return report(
            'k8s.type-invalid',
            `${where} must be an integer, not ${describe(value)}`,
            typeof value === 'string' ? 'remove the quotes' : 'write a whole number',
          );
        break;
      case 'number':
        if (typeof value !== 'number') return report('k8s.type-invalid', `${where} must be a number, not ${describe(value)}`, 'remove the quotes');
        break;
      case 'boolean':
        if (typeof value !== 'boolean')
          return report('k8s.type-invalid', `${where} must be a boolean, not ${describe(value)}`, 'write true or false, unquoted');
        break;
      case 'int-or-string':
        if (typeof value === 'number' ? !Number.isInteger(value) : typeof value !== 'string')
          return report(
            'k8s.type-invalid',
            `${where} must be an integer or a string, not ${describe(value)}`,
            'write a whole number, or a string such as "25%" or a port name',
          );
        break;
      case 'quantity':
        if (!(typeof value === 'number' && Number.isFinite(value)) && !(typeof value === 'string' && isQuantity(value))) {
          return report('k8s.type-invalid', `${where} must be a resource quantity, not ${describe(value)}`, 'e.g. 500m, 2, 1.5, 128Mi, 1G, 1e3');
        }
        break;
      case 'array':
        if (!Array.isArray(value)) return report('k8s.type-invalid', `${where} must be a list, not ${describe(value)}`, 'write a YAML sequence (- item)');
        break;
      case 'object':
        if (!isObject(value)) return report('k8s.type-invalid', `${where} must be a mapping, not ${describe(value)}`, 'write a YAML mapping (key: value)');
        break;
    }
    if (n.e && !n.e.some((x) => x === value)) {
      return report(
        'k8s.value-not-allowed',
        `${where} must be one of ${n.e.map((x) => JSON.stringify(x)).join(', ')}`,
        'use one of the allowed values (they are case-sensitive)',
      );
    }
    if (Array.isArray(value) && n.i) {
      checkListKeys(value, n, defs, path, where, report);
      value.forEach((item, i) => {
        path.push(String(i));
        shown.push(`[${i}]`);
        walk(item, n.i!, depth + 1);
        path.pop();
        shown.pop();
      });
      return;
    }
    if (!isObject(value)) return;
    for (const req of n.q ?? []) {
      if (value[req] === undefined) report('k8s.field-required', `${where === '.' ? '' : where}.${req} is required`, `add ${req}`, path, req);
    }
    for (const [k, v] of Object.entries(value)) {
      if (depth === 0 && (k === 'status' || k === 'apiVersion' || k === 'kind')) continue;
      if (path.length === 1 && path[0] === 'metadata' && k === 'managedFields') continue;
      const child = n.p?.[k] ?? n.a;
      path.push(k);
      shown.push(`.${k}`);
      if (child) walk(v, child, depth + 1);
      else if (n.p && !n.u) report('k8s.field-unknown', `${where === '.' ? '' : where}.${k} is not a field of this kind`, didYouMean(k, Object.keys(n.p)));
      path.pop();
      shown.pop();
    }
  };
  walk(object, root, 0);
  return problems;
}

function checkListKeys(
  list: unknown[],
  n: SchemaNode,
  defs: Defs,
  path: string[],
  where: string,
  report: (c: TypeProblemCode, m: string, h: string, at?: readonly string[]) => void,
): void {
  if (n.lt === 'map' && n.lk?.length) {
    const item = resolve(n.i!, defs);
    const seen = new Map<string, number>();
    list.forEach((e, i) => {
      if (!isObject(e)) return;
      const key = n.lk!.map((k) => `${k}=${JSON.stringify(e[k] ?? resolve(item.p?.[k] ?? {}, defs).d ?? item.p?.[k]?.d ?? null)}`).join(',');
      const first = seen.get(key);
      if (first !== undefined)
        report(
          'k8s.list-key-duplicate',
          `${where}[${i}] repeats the key [${key}] of ${where}[${first}]`,
          `each entry needs a unique ${n.lk!.join(' + ')}: server-side apply merges entries by it`,
          [...path, String(i)],
        );
      else seen.set(key, i);
    });
  } else if (n.lt === 'set') {
    const seen = new Map<string, number>();
    list.forEach((e, i) => {
      const key = JSON.stringify(e);
      const first = seen.get(key);
      if (first !== undefined)
        report('k8s.list-key-duplicate', `${where}[${i}] repeats ${key} (a set: each value once)`, 'remove the duplicate', [...path, String(i)]);
      else seen.set(key, i);
    });
  }
}

function resolve(node: SchemaNode, defs: Defs): SchemaNode {
  let n = node;
  for (let i = 0; n.r && i < 8; i++) n = defs[n.r] ?? { t: 'any' };
  return n;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The type of a value, never the value (it may be a secret). */
function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'a mapping';
  return typeof v === 'number' && !Number.isInteger(v) ? 'a decimal number' : `a ${typeof v}`;
}

function didYouMean(k: string, known: readonly string[]): string {
  const lower = k.toLowerCase();
  const close =
    known.find((x) => x.toLowerCase() === lower) ??
    known.find((x) => lower.length > 3 && (x.toLowerCase().startsWith(lower.slice(0, 4)) || lower.startsWith(x.toLowerCase())));
  return close
    ? `did you mean "${close}"? (field names are case-sensitive)`
    : `remove it, or check the apiVersion (fields: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''})`;
}
