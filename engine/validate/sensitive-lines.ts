import type { CI } from '../model/ci.js';
import type { LoadedRepository } from '../load/types.js';
import { secretPointers } from './secret-fields.js';
import { holdsSecretData, LAST_APPLIED_ANNOTATION, schemaSecretPointers } from '../redact/secret-pointers.js';
import { escapePointerToken, unescapePointerToken } from '../model/json-pointer.js';

/**
 * The lines of the given files that hold a secret value, so a report that
 * quotes source lines (`plumb validate`'s caret excerpts) can blank them:
 * every field a kind schema marks `x-plumb-secret`, and every key of a
 * Kubernetes Secret's `data` and `stringData`. Positions come from `repo.locate`, so only files asked for are re-parsed.
 */
export function sensitiveLines(repo: LoadedRepository, files: ReadonlySet<string>): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  const patternsByKind = new Map<string, string[]>();
  for (const ci of repo.cis) {
    if (!files.has(ci.origin.file)) continue;
    let patterns = patternsByKind.get(ci.kind);
    if (patterns === undefined) {
      const schema = ci.kubernetes ? undefined : repo.schemas.get(ci.kind);
      patterns = schema ? secretPointers(schema.schema) : [];
      patternsByKind.set(ci.kind, patterns);
    }
    const pointers = [...patterns.flatMap((p) => expand(ci.object, p)), ...kubernetesSecretPointers(ci)];
    if (pointers.length === 0) continue;
    let lines = result.get(ci.origin.file);
    if (!lines) result.set(ci.origin.file, (lines = new Set()));
    for (const pointer of pointers) lines.add(repo.locate(ci.origin, pointer).line);
  }
  return result;
}

function kubernetesSecretPointers(ci: CI): string[] {
  if (!holdsSecretData(ci.object)) return [];
  const pointers: string[] = [];
  const annotations = (ci.object.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  if (annotations && LAST_APPLIED_ANNOTATION in annotations) pointers.push(`/metadata/annotations/${escape(LAST_APPLIED_ANNOTATION)}`);
  for (const field of ['data', 'stringData']) {
    const map = ci.object[field];
    if (typeof map !== 'object' || map === null) continue;
    pointers.push(`/${field}`, ...Object.keys(map).map((k) => `/${field}/${escapePointerToken(k)}`));
  }
  return pointers;
}

/** Concrete pointers of a pattern (`*` = every array item or map key) that exist in the object. */
function expand(object: unknown, pattern: string): string[] {
  const parts = pattern.split('/').slice(1);
  let frontier: Array<[unknown, string]> = [[object, '']];
  for (const part of parts) {
    const next: Array<[unknown, string]> = [];
    for (const [node, at] of frontier) {
      if (typeof node !== 'object' || node === null) continue;
      const record = node as Record<string, unknown>;
      const keys = part === '*' ? Object.keys(record) : [unescapePointerToken(part)];
      for (const key of keys) if (key in record) next.push([record[key], `${at}/${escapePointerToken(key)}`]);
    }
    frontier = next;
  }
  return frontier.map(([, at]) => at);
}

/**
 * The kinds whose documents may hold a secret value: `Secret`, and each kind
 * whose schema marks a field x-plumb-secret (engine/redact/secret-pointers.ts).
 */
export function secretKinds(repo: Pick<LoadedRepository, 'schemas'>): Set<string> {
  const out = new Set(['Secret']);
  for (const [kind, schema] of repo.schemas) if (schemaSecretPointers(schema.schema).length > 0) out.add(kind);
  return out;
}
