import { stringify } from 'yaml';
import { scrubDeep, type CIDocument } from '../../engine/index.js';
import type { Line } from './detail-lines.js';

export interface YamlPanes {
  /** The title of each pane and its lines. */
  readonly desired: { readonly title: string; readonly lines: readonly Line[] };
  readonly observed: { readonly title: string; readonly lines: readonly Line[] };
}

/**
 * The YAML view (`y`) of one CI: the desired document (Git) and the observed
 * one (the target), as the engine handed them over — already redacted
 * (engine/plan/ci-documents.ts), so a Secret's data reads `(sensitive)`. The
 * observed object's `metadata.managedFields` are left out, as `kubectl get -o
 * yaml` leaves them out. A line of one side that the other does not have is
 * marked (`update` tone), a cheap line-level guide to where they differ.
 */
export function yamlPanes(doc: CIDocument | undefined, where: { readonly file?: string; readonly line?: number }): YamlPanes {
  const desired = doc?.desired ? text(doc.desired) : undefined;
  const observed = doc?.observed ? text(withoutManagedFields(doc.observed)) : undefined;
  const desiredSet = new Set(desired ?? []);
  const observedSet = new Set(observed ?? []);
  const place = where.file ? ` ${where.file}${where.line ? `:${where.line}` : ''}` : '';
  return {
    desired: {
      title: `desired (Git${place})`,
      lines: desired
        ? desired.map((l) => ({ text: l, ...(observed && !observedSet.has(l) ? { tone: 'update' as const } : {}) }))
        : [{ text: doc ? 'not in Git: unmanaged, or deleted from Git' : 'no document: re-plan (r)', tone: 'dim' }],
    },
    observed: {
      title: `observed (target ${doc?.target ?? '-'})`,
      lines: observed
        ? observed.map((l) => ({ text: l, ...(desired && !desiredSet.has(l) ? { tone: 'update' as const } : {}) }))
        : [{ text: doc ? 'not on the target (yet): apply creates it' : 'no document: re-plan (r)', tone: 'dim' }],
    },
  };
}

/** The value's YAML lines, known secrets scrubbed before YAML escapes them into forms the output guard does not know. */
function text(value: Readonly<Record<string, unknown>>): string[] {
  return stringify(scrubDeep(value), { lineWidth: 0, aliasDuplicateObjects: false }).replace(/\n$/, '').split('\n');
}

function withoutManagedFields(o: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const meta = o.metadata;
  if (!meta || typeof meta !== 'object' || !('managedFields' in meta)) return o;
  const { managedFields: _m, ...rest } = meta as Record<string, unknown>;
  return { ...o, metadata: rest };
}
