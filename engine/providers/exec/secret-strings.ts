import { secretValuesOf } from '../../redact/scrubber.js';

/**
 * The secret values the documents of a request carry (engine/redact: a
 * Secret's data, decoded and not, its last-applied annotation, and the fields
 * the loader's kind schemas mark), so they can be scrubbed from a plugin's
 * stderr before it reaches a diagnostic — for every operation.
 */
export function secretStrings(...documents: readonly (Readonly<Record<string, unknown>> | undefined)[]): string[] {
  return documents.flatMap((d) => secretValuesOf(d));
}
