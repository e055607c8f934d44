import { analyzeRootCause, type RootCauseAnalysis } from '../correlate/root-cause.js';
import type { CIGraph } from '../graph/types.js';
import { explainImpact } from '../impact/explain.js';
import { resolveSources } from '../impact/resolve-sources.js';
import { simulateImpact, type ImpactEvent } from '../impact/simulate.js';
import type { ImpactSummary } from '../impact/types.js';
import { loadRepository } from '../load/load-repository.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { validateRepository } from '../validate/validate.js';

export interface ImpactOptions {
  readonly repo?: string;
  readonly cwd?: string;
  readonly rev?: string;
  /** References (`kind:namespace/name` or `kind:name`) of the CIs the event starts from. */
  readonly refs: readonly string[];
  /** Default `down`: "what breaks if this fails". */
  readonly event?: ImpactEvent;
}

/** Either the simulation, or the validation errors that refused it (a graph with holes would understate the blast radius). */
export type ImpactResult =
  | { readonly ok: true; readonly graph: CIGraph; readonly summary: ImpactSummary; readonly explanation: ReturnType<typeof explainImpact> }
  | { readonly ok: false; readonly errors: readonly Diagnostic[] };

/** `plumb impact`: the blast radius of an event. Unknown references are PlumbError `impact.unknown-ref`. */
export async function impact(opts: ImpactOptions): Promise<ImpactResult> {
  const valid = await validGraph(opts);
  if (!valid.ok) return valid;
  const summary = simulateImpact(valid.graph, { sources: resolveSources(valid.graph, opts.refs), event: opts.event ?? 'down' });
  return { ok: true, graph: valid.graph, summary, explanation: explainImpact(valid.graph, summary) };
}

export interface WhyOptions {
  readonly repo?: string;
  readonly cwd?: string;
  readonly rev?: string;
  /** The CIs seen failing. */
  readonly failing: readonly string[];
  /** CIs known to be up (they rule causes out). */
  readonly healthy?: readonly string[];
}

export type WhyResult =
  | { readonly ok: true; readonly analysis: RootCauseAnalysis; readonly impact?: ImpactSummary }
  | { readonly ok: false; readonly errors: readonly Diagnostic[] };

/** `plumb why`: the root cause that explains the failures, and what it hits (impact, reversed). */
export async function why(opts: WhyOptions): Promise<WhyResult> {
  const valid = await validGraph(opts);
  if (!valid.ok) return valid;
  const { graph: g } = valid;
  const analysis = analyzeRootCause(g, { failing: resolveSources(g, opts.failing), healthy: resolveSources(g, opts.healthy ?? []) });
  const cause = analysis.best.cause;
  return { ok: true, analysis, ...(cause.length ? { impact: simulateImpact(g, { sources: cause, event: 'down' }) } : {}) };
}

async function validGraph(opts: { repo?: string; cwd?: string; rev?: string }): Promise<{ ok: true; graph: CIGraph } | { ok: false; errors: Diagnostic[] }> {
  const repo = await loadRepository({ repo: opts.repo, cwd: opts.cwd ?? process.cwd(), rev: opts.rev });
  const { graph: g, diagnostics } = validateRepository(repo);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return errors.length ? { ok: false, errors } : { ok: true, graph: g };
}
