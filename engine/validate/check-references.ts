import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { refToId } from '../model/reference.js';
import { RELATION_TYPES, isRelationType } from '../model/relations.js';
import { suggestion } from '../model/did-you-mean.js';
import type { IdentityIndex } from './identity-index.js';
import { at, type Locate } from './place.js';
import { writtenRelations } from './written-relations.js';

const TYPE_NAMES = RELATION_TYPES.map((r) => r.type);

/**
 * Declared relations and `metadata.owner`:
 * - `relation.unknown-type`: a type not in docs/architecture.md's table (did-you-mean);
 * - `ref.malformed`: a target that is not `kind:name` or `kind:namespace/name`;
 * - `ref.unresolved`: a well-formed target naming no CI (did-you-mean among
 *   existing identities, computed for misses only).
 * Reads the entries as written (the loader drops malformed ones); entries that
 * are not `{type: string, target: string}` at all are the schema's to report.
 * Inferred relations are plumb's own and are not checked.
 */
export function checkReferences(cis: readonly CI[], ids: IdentityIndex, locate: Locate): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const ci of cis) {
    for (const relation of writtenRelations(ci)) {
      if (typeof relation.type === 'string' && !isRelationType(relation.type)) {
        diagnostics.push(
          at(locate, {
            code: 'relation.unknown-type',
            message: `unknown relation type "${relation.type}"${suggestion(relation.type, TYPE_NAMES)}`,
            hint: `relation types: ${TYPE_NAMES.join(', ')}`,
            ci,
            pointer: ci.kubernetes ? relation.pointer : `${relation.pointer}/type`,
          }),
        );
      }
      if (typeof relation.target !== 'string') continue;
      const problem = checkRef(ci, relation.target, ids, ci.kubernetes ? relation.pointer : `${relation.pointer}/target`, locate);
      if (problem) diagnostics.push(problem);
    }
    if (ci.owner !== undefined) {
      const problem = checkRef(ci, ci.owner, ids, '/metadata/owner', locate);
      if (problem) diagnostics.push(problem);
    }
  }
  return diagnostics;
}

function checkRef(ci: CI, target: string, ids: IdentityIndex, pointer: string, locate: Locate): Diagnostic | undefined {
  const id = refToId(target, ci.namespace);
  if (id === undefined) {
    return at(locate, {
      code: 'ref.malformed',
      message: `"${target}" is not a reference`,
      hint: 'write kind:name (same namespace) or kind:namespace/name, e.g. host:shop/db-host-1',
      ci,
      pointer,
    });
  }
  if (ids.has(id)) return undefined;
  const near = ids.suggest(id);
  return at(locate, {
    code: 'ref.unresolved',
    message: `reference "${target}" does not resolve: there is no ${id}${near ? ` (did you mean "${near}"?)` : ''}`,
    hint: near ? `change it to ${near}, or add the missing CI` : 'add the missing CI to the inventory, or fix the reference',
    ci,
    pointer,
  });
}
