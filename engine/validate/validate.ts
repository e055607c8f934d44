import type { Diagnostic } from '../model/diagnostic.js';
import { sortDiagnostics } from '../model/diagnostic.js';
import type { LoadedRepository } from '../load/types.js';
import { buildGraph } from '../graph/build-graph.js';
import type { CIGraph } from '../graph/types.js';
import { checkCapacity } from './check-capacity.js';
import { checkCycles } from './check-cycles.js';
import { checkDuplicates } from './check-duplicates.js';
import { checkKinds } from './check-kinds.js';
import { checkScope } from './check-scope.js';
import { kubernetesFindings } from './check-kubernetes.js';
import { at } from './place.js';
import { checkKubernetesTypes } from './check-kubernetes-types.js';
import { checkNames } from './check-names.js';
import { checkReferences } from './check-references.js';
import { checkSchemas } from './check-schemas.js';
import { IdentityIndex } from './identity-index.js';

/**
 * Validates a loaded repository and builds its graph. The diagnostics are the
 * loader's plus every check's, sorted (file, line, column, code), so a caller
 * that asks `hasErrors(diagnostics)` sees YAML errors too.
 *
 * Every check runs over every CI: one bad CI never hides the diagnostics of
 * the others, and the graph holds everything that could be interpreted (the
 * first of duplicate identities; relations of a known type to an existing CI).
 * Cycles are looked for in that graph, so a cycle through a dangling reference
 * is reported as the dangling reference only.
 *
 * Cost is linear in CIs + relations; positions (`repo.locate`, which re-parses
 * a file) and did-you-mean searches are paid only for problems.
 */
export function validateRepository(repo: LoadedRepository): { graph: CIGraph; diagnostics: Diagnostic[] } {
  const locate = repo.locate.bind(repo);
  const { known, diagnostics: kindDiagnostics } = checkKinds(repo.cis, repo.schemas, locate);
  const { graph, diagnostics: graphDiagnostics } = buildGraph(repo.cis);
  const ids = new IdentityIndex(
    (id) => graph.hasNode(id),
    () => graph.nodes(),
  );
  const basicKubernetes = kubernetesFindings(repo.cis);
  const diagnostics: Diagnostic[] = [
    ...repo.diagnostics,
    ...kindDiagnostics,
    ...checkSchemas(known, repo.schemas, locate),
    ...checkNames(repo.cis, locate),
    ...basicKubernetes.map((f) => at(locate, f)),
    ...checkKubernetesTypes(repo.cis, locate, undefined, basicKubernetes),
    ...checkScope(repo.cis, locate),
    ...checkDuplicates(repo.cis, locate),
    ...checkReferences(repo.cis, ids, locate),
    ...graphDiagnostics,
    ...checkCycles(graph, locate),
    ...checkCapacity(repo.cis, locate),
  ];
  return { graph, diagnostics: sortDiagnostics(diagnostics) };
}
