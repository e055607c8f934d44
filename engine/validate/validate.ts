import type { Diagnostic } from '../model/diagnostic.js';
import { sortDiagnostics } from '../model/diagnostic.js';
import type { LoadedRepository } from '../load/types.js';
import { buildGraph } from '../graph/build-graph.js';
import type { CIGraph } from '../graph/types.js';
import { checkCycles } from './check-cycles.js';
import { checkDuplicates } from './check-duplicates.js';
import { checkReferences } from './check-references.js';
import { IdentityIndex } from './identity-index.js';
import { contextKey, localChecks } from './local-checks.js';
import { defaultContentCache, withContentCache, type ContentCache } from '../cache/content-cache.js';
import {
  GRAPH_INDEX_NAMESPACE,
  graphFromIndex,
  graphIndexKey,
  graphIndexOf,
  mayStoreGraphIndex,
  type GraphIndex,
  type GraphWideDiagnostics,
} from '../graph/graph-index.js';

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
 * `contentCache: false` runs them all). The graph and the checks across CIs
 * (duplicates, references, cycles) come from the repository's graph index
 * when every CI's file, blob and identity (a rendered CI's unit render key and
 * redacted document; a SOPS file's ciphertext), the kind schemas, the CRDs and
 * plumb.yaml are as a run before saw them (engine/graph/graph-index.ts); else
 * they run, and the index is kept (unless a decrypted value lies in a field
 * the graph reads: mayStoreGraphIndex).
 */
export function validateRepository(
  repo: LoadedRepository,
  options: { contentCache?: ContentCache | false } = {},
): { graph: CIGraph; diagnostics: Diagnostic[] } {
  // the caller's choice reaches the caches the checks open themselves (CEL parses of the policies, kind validators)
  return withContentCache(options.contentCache, () => validateWith(repo, options));
}

function validateWith(repo: LoadedRepository, options: { contentCache?: ContentCache | false }): { graph: CIGraph; diagnostics: Diagnostic[] } {
  const cache = options.contentCache === false ? undefined : (options.contentCache ?? defaultContentCache());
  const locate = repo.locate.bind(repo);
  // a repository nothing changed in: the graph and the checks across CIs from its graph index (engine/graph/graph-index.ts)
  const key = cache ? graphIndexKey(repo, contextKey(repo)) : undefined;
  const stored = key ? cache!.get<GraphIndex>(GRAPH_INDEX_NAMESPACE, key) : undefined;
  const indexed = stored ? graphFromIndex(repo.cis, stored) : undefined;
  const graph = indexed ?? buildGraph(repo.cis).graph;
  const ids = new IdentityIndex(
    (id) => graph.hasNode(id),
    () => graph.nodes(),
  );
  let wide: GraphWideDiagnostics;
  if (indexed) wide = stored!.diagnostics;
  else {
    wide = {
      duplicates: checkDuplicates(repo.cis, locate),
      references: checkReferences(repo.cis, ids, locate),
      // buildGraph's own diagnostics are none yet (see there); the cycles' are placed with them
      cycles: checkCycles(graph, locate),
    };
    // nor when a finding fell back to its document's start for want of the file's text (LoadedRepository.textUnread)
    if (key && mayStoreGraphIndex(repo) && !repo.textUnread?.()) cache!.set(GRAPH_INDEX_NAMESPACE, key, graphIndexOf(graph, wide));
  }
  const diagnostics = checks(repo, cache ?? false, wide);
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
  const locate = repo.locate.bind(repo);
  const wide = { duplicates: checkDuplicates(repo.cis, locate), references: checkReferences(repo.cis, identities, locate), cycles: [] };
  return sortDiagnostics(checks(repo, options.contentCache, wide));
}

/** Every check's diagnostics in validateRepository's order (`wide`: the checks across CIs, placed where they always were). */
function checks(repo: LoadedRepository, contentCache: ContentCache | false | undefined, wide: GraphWideDiagnostics): Diagnostic[] {
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
    ...wide.duplicates,
    ...wide.references,
    ...wide.cycles,
    ...capacity,
  ];
  return diagnostics;
}
