import type { Diagnostic } from '../model/diagnostic.js';
import { sortDiagnostics } from '../model/diagnostic.js';
import type { LoadedRepository } from '../load/types.js';
import { buildGraph } from '../graph/build-graph.js';
import type { CIGraph } from '../graph/types.js';
import { checkCycles } from './check-cycles.js';
import { checkDuplicates } from './check-duplicates.js';
import { checkReferences } from './check-references.js';
import { IdentityIndex } from './identity-index.js';
import { localChecks } from './local-checks.js';
import { defaultContentCache, type ContentCache } from '../cache/content-cache.js';

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
 * a file) and did-you-mean searches are paid only for problems. The checks of
 * one CI at a time are served per file from the content cache (local-checks.ts;
 * `contentCache: false` runs them all); the checks across CIs (duplicates,
 * references, cycles) and the graph always run.
 *
 * `identities`: the identities references resolve against, when `repo` holds
 * only part of a revision (the indexed review: engine/review/indexed-review.ts);
 * default the identities of `repo.cis`.
 */
export function validateRepository(
  repo: LoadedRepository,
  options: { contentCache?: ContentCache | false; identities?: IdentityIndex } = {},
): { graph: CIGraph; diagnostics: Diagnostic[] } {
  const locate = repo.locate.bind(repo);
  const { graph, diagnostics: graphDiagnostics } = buildGraph(repo.cis);
  const ids =
    options.identities ??
    new IdentityIndex(
      (id) => graph.hasNode(id),
      () => graph.nodes(),
    );
  // the checks of one CI at a time: file by file, an unchanged file's results from the content cache
  const [kinds, schemas, names, basicKubernetes, kubernetesTypes, scope, capacity] = localChecks(
    repo,
    locate,
    options.contentCache === false ? undefined : (options.contentCache ?? defaultContentCache()),
  );
  const diagnostics: Diagnostic[] = [
    ...repo.diagnostics,
    ...kinds,
    ...schemas,
    ...names,
    ...basicKubernetes,
    ...kubernetesTypes,
    ...scope,
    ...checkDuplicates(repo.cis, locate),
    ...checkReferences(repo.cis, ids, locate),
    ...graphDiagnostics,
    ...checkCycles(graph, locate),
    ...capacity,
  ];
  return { graph, diagnostics: sortDiagnostics(diagnostics) };
}
