import type { RawDocument } from '../model/ci.js';

/**
 * True for a Kubernetes list document: `kind: List`, or a kind ending in `List`
 * (`RoleBindingList`, `ConfigMapList`…) whose `items` are all objects with a
 * kind — what `kubectl get -o yaml` writes and kube-prometheus ships.
 */
export function isListDocument(value: unknown): value is { kind: string; items: Record<string, unknown>[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.kind !== 'string' || typeof v.apiVersion !== 'string' || !Array.isArray(v.items)) return false;
  if (v.kind !== 'List' && !v.kind.endsWith('List')) return false;
  return v.items.every((i) => typeof i === 'object' && i !== null && !Array.isArray(i) && typeof (i as Record<string, unknown>).kind === 'string');
}

/**
 * A list document's items as documents of their own (origin pointer
 * `/items/<i>`, positioned by `place` when given); any other document as is.
 */
export function expandLists(doc: RawDocument, place?: (pointer: string) => { line: number; column: number }): RawDocument[] {
  const origin = doc.origin;
  if (!isListDocument(doc.value)) return [doc];
  const base = origin.pointer ?? '';
  return doc.value.items.map((item, i) => {
    const pointer = `${base}/items/${i}`;
    const at = place?.(pointer);
    const prefix = `/items/${i}`;
    const secrets = doc.secrets?.filter((s) => s.startsWith(prefix + '/')).map((s) => s.slice(prefix.length));
    return {
      origin: { ...origin, pointer, ...(at ?? {}) },
      value: item,
      ...(secrets?.length ? { secrets } : {}),
    };
  });
}
