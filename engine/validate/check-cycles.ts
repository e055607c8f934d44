import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { refToId } from '../model/reference.js';
import { findCycles } from '../graph/find-cycles.js';
import type { CIGraph } from '../graph/types.js';
import { at, type Locate } from './place.js';

const MAX_RELATED = 10;

/**
 * `relation.cycle`: a cycle in a relation type that may not have one, named in
 * order `a → b → c → a` and reported once, at the relation the cycle's first CI
 * writes to the next; the other links are listed in `related`.
 */
export function checkCycles(graph: CIGraph, locate: Locate): Diagnostic[] {
  return findCycles(graph).map(({ type, ids }) => {
    const cis = ids.map((id) => graph.getNodeAttribute(id, 'ci'));
    const link = (i: number) => ({ ci: cis[i], pointer: relationPointer(cis[i], type, ids[(i + 1) % ids.length]) });
    const related = cis.slice(1, 1 + MAX_RELATED).map((ci, k) => {
      const { pointer } = link(k + 1);
      const where = locate(ci.origin, pointer);
      return { file: ci.origin.file, line: where.line, column: where.column, message: `${ci.id} ${type} ${ids[(k + 2) % ids.length]}` };
    });
    return at(locate, {
      code: 'relation.cycle',
      message: `${type} cycle: ${[...ids, ids[0]].join(' → ')}`,
      hint: `remove one of these ${type} relations; only connectsTo and alternativeTo may form cycles`,
      ...link(0),
      ...(related.length > 0 ? { related } : {}),
    });
  });
}

/** Where `ci` writes its `type` relation to `target` (declared first; inferred edges point at their field). */
function relationPointer(ci: CI, type: string, target: string): string {
  const relation = ci.relations.find((r) => r.type === type && (r.targetId || refToId(r.target, ci.namespace)) === target);
  return relation?.pointer ?? (ci.kubernetes ? '/metadata/annotations' : '/relations');
}
