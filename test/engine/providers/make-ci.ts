import type { CI } from '../../../engine/model/ci.js';
import { identityOf } from '../../../engine/model/identity.js';
import type { PlannedChange } from '../../../engine/plan/types.js';

/** A CI built from a document, as the loader would build it (enough for providers). */
export function makeCI(object: Record<string, unknown>, file = 'inventory/test.yaml'): CI {
  const id = identityOf(object)!;
  const meta = object.metadata as Record<string, unknown>;
  return {
    id: id.id,
    apiVersion: String(object.apiVersion),
    kind: id.kind,
    name: id.name,
    namespace: id.namespace,
    labels: (meta.labels ?? {}) as Record<string, string>,
    annotations: (meta.annotations ?? {}) as Record<string, string>,
    relations: [],
    source: object.source as CI['source'],
    kubernetes: id.kubernetes,
    object,
    origin: { file, doc: 0, line: 1, column: 1 },
  };
}

export function fileCI(name: string, spec: Record<string, unknown>): CI {
  return makeCI({ apiVersion: 'plumb.io/v1', kind: 'File', metadata: { name }, spec, source: { provider: 'file' } });
}

export function change(id: string, action: PlannedChange['action']): PlannedChange {
  return { id, action, wave: 0, patch: [], diff: '', provider: 'test', target: 'test', paths: [] };
}

export const signal = () => new AbortController().signal;
