import { LineCounter, type Document } from 'yaml';
import type { Place } from '../model/ci.js';
import { readYamlValue, yamlDocuments } from '../yaml/yaml-documents.js';
import { offsetOfPointer } from '../yaml/yaml-pointer.js';
import { formatPointer } from '../model/json-pointer.js';

/** A YAML file parsed for positions: documents plus the line counter. */
export interface PositionedFile {
  readonly file: string;
  readonly docs: readonly Document[];
  readonly values: readonly unknown[];
  place(doc: number, pointer: string): Place;
}

/** Parses `text` (never throws; a broken file has no documents). */
export function positioned(file: string, text: string): PositionedFile {
  const lineCounter = new LineCounter();
  let docs: Document[] = [];
  let values: unknown[] = [];
  try {
    docs = yamlDocuments(text, { uniqueKeys: false, lineCounter });
    values = docs.map((d) => (d.errors.length ? undefined : d.toJS({ maxAliasCount: 100 })));
  } catch {
    docs = [];
    values = [];
  }
  return {
    file,
    docs,
    values,
    place(doc, pointer) {
      const d = docs[doc];
      if (!d) return { file, line: 1, column: 1 };
      const { line, col } = lineCounter.linePos(offsetOfPointer(d, pointer));
      return { file, line, column: col };
    },
  };
}

/**
 * The leaf pointers a strategic-merge patch sets on `target`, each with the
 * patch-side pointer (list items of a patch are matched to the target's by
 * their `name`, Kubernetes' usual merge key; else by index). `$patch`
 * directives and identity fields (apiVersion, kind, metadata.name) are skipped.
 * With `before` (the object as its resource file wrote it), a list item the
 * resource did not have is recorded whole: the patch added it.
 */
export function strategicMergeLeaves(patch: unknown, target: unknown, before?: unknown): { target: string; patch: string }[] {
  const out: { target: string; patch: string }[] = [];
  const walk = (p: unknown, t: unknown, tp: string[], pp: string[], b: unknown) => {
    if (Array.isArray(p)) {
      p.forEach((item, i) => {
        let ti = i;
        let bi: unknown;
        if (isRecord(item) && typeof item.name === 'string' && Array.isArray(t)) {
          const found = t.findIndex((x) => isRecord(x) && x.name === item.name);
          if (found >= 0) ti = found;
          bi = Array.isArray(b) ? b.find((x) => isRecord(x) && x.name === item.name) : undefined;
          // an item the resource did not have: the patch added it, all of it
          if (before !== undefined && bi === undefined) out.push({ target: formatPointer([...tp, String(ti)]), patch: formatPointer([...pp, String(i)]) });
        }
        walk(item, Array.isArray(t) ? t[ti] : undefined, [...tp, String(ti)], [...pp, String(i)], bi);
      });
      if (p.length === 0) out.push({ target: formatPointer(tp), patch: formatPointer(pp) });
      return;
    }
    if (isRecord(p)) {
      const keys = Object.keys(p).filter((k) => !k.startsWith('$'));
      if (keys.length === 0) out.push({ target: formatPointer(tp), patch: formatPointer(pp) });
      for (const k of keys) {
        if (tp.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
        if (tp.length === 1 && tp[0] === 'metadata' && (k === 'name' || k === 'namespace')) continue;
        if (k === 'name' && /^\d+$/.test(tp[tp.length - 1] ?? '')) continue; // the merge key of a list item names it, sets nothing
        walk(p[k], isRecord(t) ? t[k] : undefined, [...tp, k], [...pp, k], isRecord(b) ? b[k] : undefined);
      }
      return;
    }
    out.push({ target: formatPointer(tp), patch: formatPointer(pp) });
  };
  walk(patch, target, [], [], before);
  return out;
}

/** Whether a Kustomize patch `target:` selector (kind, name, namespace, group, version) picks `object`. */
export function selectorMatches(selector: Readonly<Record<string, unknown>>, object: Readonly<Record<string, unknown>>, originalName: string): boolean {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const test = (pattern: unknown, value: string) => typeof pattern !== 'string' || new RegExp(`^(?:${pattern})$`).test(value);
  try {
    return (
      test(selector.kind, String(object.kind ?? '')) &&
      (test(selector.name, originalName) || test(selector.name, String(metadata.name ?? ''))) &&
      test(selector.namespace, String(metadata.namespace ?? '')) &&
      test(selector.group, group) &&
      test(selector.version, version)
    );
  } catch {
    return false; // an invalid regular expression: kustomize reports it
  }
}

/** JSON-patch operations of a patch document (YAML or JSON list of {op, path}). */
export function jsonPatchOps(text: string): { op: string; path: string; index: number }[] {
  try {
    const ops = readYamlValue(text, { maxAliases: 100, uniqueKeys: false });
    if (!Array.isArray(ops)) return [];
    return ops.flatMap((o, index) => (isRecord(o) && typeof o.path === 'string' && typeof o.op === 'string' ? [{ op: o.op, path: o.path, index }] : []));
  } catch {
    return [];
  }
}

/** Nearest entry of `fields` at `pointer` or above it. */
export function fieldPlace(fields: Readonly<Record<string, Place>> | undefined, pointer: string): Place | undefined {
  if (!fields) return undefined;
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    if (Object.hasOwn(fields, p)) return fields[p];
    if (p === '') return undefined;
  }
}

/**
 * Where a change to a rendered object is made: the place of the first changed
 * pointer (or one below it, for a whole added subtree) that a patch or a values
 * line sets; undefined when none is traced (the object's own origin answers).
 */
export function renderedPlace(
  origin: { readonly render?: { readonly fields?: Readonly<Record<string, Place>> } },
  pointers: readonly string[],
  object?: unknown,
): Place | undefined {
  const fields = origin.render?.fields;
  if (!fields) return undefined;
  for (const logical of pointers) {
    const p = object === undefined ? logical : indexPointer(object, logical);
    const at = fieldPlace(fields, p) ?? Object.entries(fields).find(([f]) => f.startsWith(p + '/') || p === '')?.[1];
    if (at) return at;
  }
  return undefined;
}

/**
 * A plan path to a JSON Pointer with indexes: the plan's diff names entries of
 * name-keyed lists by their name (`/spec/template/spec/containers/web/image`),
 * provenance records indexes (`…/containers/0/image`).
 */
export function indexPointer(object: unknown, logical: string): string {
  const out: string[] = [];
  let node: unknown = object;
  for (const token of logical
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (Array.isArray(node) && !/^\d+$/.test(token)) {
      const i = node.findIndex((x) => isRecord(x) && x.name === token);
      if (i < 0) return logical;
      out.push(String(i));
      node = node[i];
    } else {
      out.push(token);
      node = isRecord(node) || Array.isArray(node) ? (node as Record<string, unknown>)[token] : undefined;
    }
  }
  return formatPointer(out);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every scalar of `value` with its pointer. */
export function scalarLeaves(value: unknown, path: string[] = [], out: { pointer: string; value: string }[] = []): { pointer: string; value: string }[] {
  if (Array.isArray(value)) value.forEach((v, i) => scalarLeaves(v, [...path, String(i)], out));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) scalarLeaves(v, [...path, k], out);
  else if (value !== null && value !== undefined) out.push({ pointer: formatPointer(path), value: String(value) });
  return out;
}
