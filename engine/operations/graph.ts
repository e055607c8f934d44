import { focusGraph } from '../graph/focus.js';
import type { CIGraph } from '../graph/types.js';
import { loadRepository } from '../load/load-repository.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { validateRepository } from '../validate/validate.js';

export interface GraphOptions {
  readonly repo?: string;
  readonly cwd?: string;
  readonly rev?: string;
  /** A reference to centre on; without it, the whole graph. */
  readonly focus?: string;
  /** With `focus`: how many relations away (default 2). */
  readonly depth?: number;
}

export interface GraphResult {
  /** The graph (or the focused part) of what could be interpreted, even with validation errors. */
  readonly graph: CIGraph;
  readonly diagnostics: readonly Diagnostic[];
}

/** `plumb graph`: the CI graph, declared relations plus inferred Kubernetes edges. An unknown focus is PlumbError `graph.unknown-ref`. */
export async function graph(opts: GraphOptions = {}): Promise<GraphResult> {
  const repo = await loadRepository({ repo: opts.repo, cwd: opts.cwd ?? process.cwd(), rev: opts.rev });
  const { graph: full, diagnostics } = validateRepository(repo);
  return { graph: opts.focus === undefined ? full : focusGraph(full, opts.focus, opts.depth ?? 2), diagnostics };
}
