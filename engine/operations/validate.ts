import { defaultContentCache } from '../cache/content-cache.js';
import { configPositions } from '../config/config-position.js';
import { CONFIG_FILE } from '../config/load-config.js';
import type { CIGraph } from '../graph/types.js';
import { loadRepository } from '../load/load-repository.js';
import { openSource } from '../load/open-source.js';
import type { LoadedRepository } from '../load/types.js';
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import type { InventoryPolicyReport } from '../policy/evaluate-inventory.js';
import { answerHolds, keepAnswer, VALIDATE_ANSWER_NAMESPACE, validateAnswerKey, type ValidateAnswer } from './validate-answer.js';

export interface ValidateOptions {
  /** Repository directory (default: found upwards from `cwd` by plumb.yaml). */
  readonly repo?: string;
  readonly cwd?: string;
  /** A Git revision to read instead of the work tree. */
  readonly rev?: string;
  /** The clock inventory policies see (`now`); default the wall clock. */
  readonly now?: Date;
}

export interface ValidateResult {
  readonly repo: LoadedRepository;
  /** The graph as validated; built on this call when the answer came from the content cache (nothing but the load ran then). */
  readonly graph: () => Promise<CIGraph>;
  /**
   * The number of relations (edges) of the graph, inferred ones included — `graph.size` without adding edges a
   * graph from the graph index still holds as numbers (deferred-edges.ts: ~0.5 CPU-s at 100k CIs).
   */
  readonly relations: number;
  /** Load, validation and inventory-policy diagnostics, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly policy: InventoryPolicyReport;
  /** True when everything after the load came from the content cache (engine/operations/validate-answer.ts). */
  readonly fromCache: boolean;
}

/**
 * `plumb validate`: load, validate (schemas, names, references, cycles,
 * Kubernetes basics) and evaluate inventory-scope policies over the graph as
 * validated. Errors are diagnostics, never thrown; a missing repository is
 * PlumbError `load.repo-not-found`.
 *
 * With the content cache on, what follows the load is kept, keyed by
 * everything the load read (engine/operations/validate-answer.ts): a repository
 * loaded as a run before saw it is answered from that entry, without checking
 * a CI or loading the CEL engine (which made most of the bundled example's
 * warm validate before; `npm run bench -- startup` measures it), and its
 * `graph` is built only when read. An answer whose policies read `now`, or
 * that quotes a secret value, is never kept.
 */
export async function validate(opts: ValidateOptions = {}): Promise<ValidateResult> {
  const repo = await loadRepository({ repo: opts.repo, cwd: opts.cwd ?? process.cwd(), rev: opts.rev });
  const now = opts.now ?? new Date();
  const cache = defaultContentCache();
  const key = cache ? validateAnswerKey(repo) : undefined;
  const kept = key ? cache!.get<ValidateAnswer>(VALIDATE_ANSWER_NAMESPACE, key) : undefined;
  const health = await healthDiagnostics(repo);
  if (kept && answerHolds(kept, now)) {
    let graph: Promise<CIGraph> | undefined;
    const policy: InventoryPolicyReport = { ...kept.policy, clock: { readsNow: false, expiries: [] } };
    return {
      repo,
      graph: () => (graph ??= import('../validate/validate.js').then(({ validateRepository }) => validateRepository(repo).graph)),
      relations: kept.relations,
      policy,
      // one stable sort gives what sorting the load's and the checks' first did: equal ones keep their order
      diagnostics: sortDiagnostics([...repo.diagnostics, ...kept.checks, ...health, ...policy.diagnostics]),
      fromCache: true,
    };
  }
  const [{ validateRepository }, { evaluateInventoryPolicies }, { simulateImpact }, { deferredEdgesOf }] = await Promise.all([
    import('../validate/validate.js'),
    import('../policy/evaluate-inventory.js'),
    import('../impact/simulate.js'),
    import('../graph/deferred-edges.js'),
  ]);
  const validated = validateRepository(repo);
  const { graph } = validated;
  const policy = evaluateInventoryPolicies(repo, graph, { now, simulate: (req) => simulateImpact(graph, req) });
  const relations = deferredEdgesOf(graph)?.source.length ?? graph.size;
  if (key) {
    const load = new Set(repo.diagnostics);
    keepAnswer(cache!, key, repo, { checks: validated.diagnostics.filter((d) => !load.has(d)), relations, policy }, now);
  }
  return {
    repo,
    graph: async () => graph,
    relations,
    policy,
    diagnostics: sortDiagnostics([...validated.diagnostics, ...health, ...policy.diagnostics]),
    fromCache: false,
  };
}

/**
 * plumb.yaml's `health.checks` compiled as apply compiles them, so a bad CEL
 * expression fails `plumb validate` at its plumb.yaml line rather than the
 * first `plumb apply`. plumb.yaml is read again (work tree or `--rev`) only
 * when an expression fails, for its positions.
 */
async function healthDiagnostics(repo: LoadedRepository): Promise<Diagnostic[]> {
  // the CEL engine loads only for a plumb.yaml with checks (~50 ms of a validate otherwise)
  if (!repo.config.health?.checks?.length) return [];
  const { healthCheckDiagnostics } = await import('../apply/health-rules.js');
  const unplaced = healthCheckDiagnostics(repo.config.health, () => ({ file: CONFIG_FILE }));
  if (unplaced.length === 0) return [];
  const source = await openSource({ root: repo.root, ...(repo.revision === 'worktree' ? {} : { rev: repo.revision }) });
  try {
    const bytes = await source.read(CONFIG_FILE);
    if (bytes === undefined) return unplaced;
    return healthCheckDiagnostics(repo.config.health, configPositions(Buffer.from(bytes).toString('utf8'), '/health'));
  } finally {
    await source.close();
  }
}
