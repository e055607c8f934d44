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
 */
export function validateRepository(
  repo: LoadedRepository,
  options: { contentCache?: ContentCache | false } = {},
): { graph: CIGraph; diagnostics: Diagnostic[] } {
  const { graph, diagnostics: graphDiagnostics } = buildGraph(repo.cis);
  const ids = new IdentityIndex(
    (id) => graph.hasNode(id),
    () => graph.nodes(),
  );
  const diagnostics = checks(repo, ids, options.contentCache, [...graphDiagnostics, ...checkCycles(graph, repo.locate.bind(repo))]);
  return { graph, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * The checks validateRepository runs, for a repository loaded only in part
 * (the indexed review: engine/review/indexed-review.ts): references resolve
 * against `identities` — the whole revision's — and nothing graph-wide runs
 * (no graph, no cycle search: the caller answers for those). Sorted as
 * validateRepository sorts, so both give the same diagnostics for these files.
 */
export function validateFiles(repo: LoadedRepository, identities: IdentityIndex, options: { contentCache?: ContentCache | false } = {}): Diagnostic[] {
  return sortDiagnostics(checks(repo, identities, options.contentCache, []));
}

/** Every check's diagnostics in validateRepository's order (`graphWide`: the graph's and the cycles', placed where they were). */
function checks(repo: LoadedRepository, ids: IdentityIndex, contentCache: ContentCache | false | undefined, graphWide: readonly Diagnostic[]): Diagnostic[] {
  const locate = repo.locate.bind(repo);
  // the checks of one CI at a time: file by file, an unchanged file's results from the content cache
  const [kinds, schemas, names, basicKubernetes, kubernetesTypes, scope, capacity] = localChecks(
    repo,
    locate,
    contentCache === false ? undefined : (contentCache ?? defaultContentCache()),
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
    ...graphWide,
    ...capacity,
  ];
  return diagnostics;
}
