import { RELATIONS_ANNOTATION, relationsAnnotationEntries } from '../load/to-ci.js';
import type { CI } from '../model/ci.js';

/** A relation entry as written in the document, before the loader interpreted it. */
export interface WrittenRelation {
  readonly type: unknown;
  readonly target: unknown;
  /** Where it is written: `/relations/<i>`, or the annotation for Kubernetes objects. */
  readonly pointer: string;
}

const ANNOTATION_POINTER = '/metadata/annotations/plumb.io~1relations';

/**
 * Every relation entry as written — including the ones the loader could not
 * turn into a Relation (a malformed target is dropped there), so validation can
 * say what is wrong with them. Kubernetes objects write theirs as YAML text in
 * an annotation, parsed once by the loader (engine/load/to-ci.ts; an annotation
 * that is not a list is the loader's `ci.relations-annotation`).
 */
export function writtenRelations(ci: CI): WrittenRelation[] {
  let entries: unknown;
  let pointer: (i: number) => string;
  if (ci.kubernetes) {
    if (ci.annotations[RELATIONS_ANNOTATION] === undefined) return [];
    entries = relationsAnnotationEntries(ci);
    pointer = () => ANNOTATION_POINTER;
  } else {
    entries = ci.object.relations;
    pointer = (i) => `/relations/${i}`;
  }
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry, i) =>
    typeof entry === 'object' && entry !== null
      ? [{ type: (entry as Record<string, unknown>).type, target: (entry as Record<string, unknown>).target, pointer: pointer(i) }]
      : [],
  );
}
