import { configPositions } from '../config/config-position.js';
import { CONFIG_FILE } from '../config/load-config.js';
import { deferredEdgesOf } from '../graph/deferred-edges.js';
import type { CIGraph } from '../graph/types.js';
import { simulateImpact } from '../impact/simulate.js';
import { loadRepository } from '../load/load-repository.js';
import { openSource } from '../load/open-source.js';
import type { LoadedRepository } from '../load/types.js';
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { evaluateInventoryPolicies, type InventoryPolicyReport } from '../policy/evaluate-inventory.js';
import { validateRepository } from '../validate/validate.js';

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
  readonly graph: CIGraph;
  /**
   * The number of relations (edges) of the graph, inferred ones included — `graph.size` without adding edges a
   * graph from the graph index still holds as numbers (deferred-edges.ts: ~0.5 CPU-s at 100k CIs).
   */
  readonly relations: number;
  /** Load, validation and inventory-policy diagnostics, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly policy: InventoryPolicyReport;
}

/**
 * `plumb validate`: load, validate (schemas, names, references, cycles,
 * Kubernetes basics) and evaluate inventory-scope policies over the graph as
 * validated. Errors are diagnostics, never thrown; a missing repository is
 * PlumbError `load.repo-not-found`.
 */
export async function validate(opts: ValidateOptions = {}): Promise<ValidateResult> {
  const repo = await loadRepository({ repo: opts.repo, cwd: opts.cwd ?? process.cwd(), rev: opts.rev });
  const validated = validateRepository(repo);
  const { graph } = validated;
  const policy = evaluateInventoryPolicies(repo, graph, { now: opts.now, simulate: (req) => simulateImpact(graph, req) });
  const health = await healthDiagnostics(repo);
  const relations = deferredEdgesOf(graph)?.source.length ?? graph.size;
  return { repo, graph, relations, policy, diagnostics: sortDiagnostics([...validated.diagnostics, ...health, ...policy.diagnostics]) };
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
