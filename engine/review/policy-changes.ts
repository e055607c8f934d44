import type { RawDocument } from '../model/ci.js';
import { canonicalJson } from '../model/canonical-json.js';
import type { PolicyChange } from '../policy/types.js';
import { compareText } from '../model/compare-text.js';

export type { PolicyChange } from '../policy/types.js';

/**
 * Every policy and exception document that differs between base and head,
 * keyed by kind, namespace and name and compared as data (a moved or
 * reformatted document is not a change). Sorted: removed first (the change a
 * reviewer must not miss), then changed, then added; by kind and name within.
 */
export function policyChanges(base: readonly RawDocument[], head: readonly RawDocument[]): PolicyChange[] {
  const index = (docs: readonly RawDocument[]) => {
    const out = new Map<string, { doc: RawDocument; data: string; kind: string; name: string; namespace?: string }>();
    for (const doc of docs) {
      const value = doc.value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
      const kind = typeof value?.kind === 'string' ? value.kind : '(no kind)';
      const name = typeof value?.metadata?.name === 'string' ? value.metadata.name : `${doc.origin.file}#${doc.origin.doc}`;
      const namespace = typeof value?.metadata?.namespace === 'string' ? value.metadata.namespace : undefined;
      const key = `${kind}\u0000${namespace ?? ''}\u0000${name}`;
      if (!out.has(key)) out.set(key, { doc, data: canonicalJson(doc.value), kind, name, ...(namespace ? { namespace } : {}) });
    }
    return out;
  };
  const before = index(base);
  const after = index(head);
  const out: PolicyChange[] = [];
  const entry = (change: PolicyChange['change'], e: { doc: RawDocument; kind: string; name: string; namespace?: string }): PolicyChange => ({
    change,
    kind: e.kind,
    name: e.name,
    ...(e.namespace ? { namespace: e.namespace } : {}),
    file: e.doc.origin.file,
    line: e.doc.origin.line,
  });
  for (const [key, b] of before) {
    const a = after.get(key);
    if (!a) out.push(entry('removed', b));
    else if (a.data !== b.data) out.push(entry('changed', a));
  }
  for (const [key, a] of after) if (!before.has(key)) out.push(entry('added', a));
  const order = { removed: 0, changed: 1, added: 2 };
  return out.sort((x, y) => order[x.change] - order[y.change] || compareText(x.kind, y.kind) || compareText(x.name, y.name));
}
