import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { at, type Locate } from './place.js';

/**
 * `ci.duplicate`: two documents with the same identity. The diagnostic sits at
 * the later definition (load order: sorted files, then document order) and names
 * the first in `related`; the first definition is the one the graph keeps.
 */
export function checkDuplicates(cis: readonly CI[], locate: Locate): Diagnostic[] {
  const first = new Map<string, CI>();
  const diagnostics: Diagnostic[] = [];
  for (const ci of cis) {
    const earlier = first.get(ci.id);
    if (earlier === undefined) {
      first.set(ci.id, ci);
      continue;
    }
    const where = locate(earlier.origin, '/metadata/name');
    diagnostics.push(
      at(locate, {
        code: 'ci.duplicate',
        message: `${ci.id} is defined twice (first in ${earlier.origin.file}:${where.line})`,
        hint: 'rename one of them or delete the copy; identities are kind:namespace/name',
        ci,
        pointer: '/metadata/name',
        related: [{ file: earlier.origin.file, line: where.line, column: where.column, message: 'first defined here' }],
      }),
    );
  }
  return diagnostics;
}
