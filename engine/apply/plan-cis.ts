import type { CI, SourceLocator } from '../model/ci.js';
import { identityOf } from '../model/identity.js';
import { splitId } from '../model/reference.js';
import type { PlannedChange } from '../plan/types.js';

/**
 * The CI a planned change is about, rebuilt from the plan alone (apply consumes
 * the plan, not the config): providers' `discover` is asked about CIs, and a
 * saved plan carries each desired document. A delete carries none, so its CI
 * is the bare identity — providers find it by id or by their own listing.
 */
export function ciFromChange(change: PlannedChange): CI {
  const doc = (change.desired ?? {}) as Record<string, unknown>;
  const ident = identityOf(doc);
  const parsed = splitId(change.id);
  const meta = (doc.metadata ?? {}) as Record<string, unknown>;
  const source = doc.source as SourceLocator | undefined;
  return {
    id: change.id,
    apiVersion: typeof doc.apiVersion === 'string' ? doc.apiVersion : '',
    kind: ident?.kind ?? (typeof doc.kind === 'string' ? doc.kind : parsed.kind),
    name: parsed.name,
    namespace: parsed.namespace,
    labels: (meta.labels ?? {}) as Record<string, string>,
    annotations: (meta.annotations ?? {}) as Record<string, string>,
    relations: [],
    ...(source ? { source } : {}),
    kubernetes: ident?.kubernetes ?? false,
    object: doc,
    origin: { file: change.file ?? '', doc: 0, line: change.line ?? 0, column: 0 },
  };
}
