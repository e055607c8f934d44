import type { ImpactSummary } from './types.js';

/**
 * `plumb impact -o json` (schemas/impact-output.schema.json): exactly
 * `{sources, event, affected:[{id, state, depth, path, wouldBe?}],
 * businessServices:[{id, criticality, state}], risk:{score, level}}`, fields in
 * that order, `wouldBe` only for `change`. Copies field by field so that nothing
 * a future ImpactSummary carries leaks into the stable output.
 */
export function toImpactJson(summary: ImpactSummary): ImpactSummary {
  return {
    sources: [...summary.sources],
    event: summary.event,
    affected: summary.affected.map((a) =>
      a.wouldBe === undefined
        ? { id: a.id, state: a.state, depth: a.depth, path: [...a.path] }
        : { id: a.id, state: a.state, depth: a.depth, path: [...a.path], wouldBe: a.wouldBe },
    ),
    businessServices: summary.businessServices.map((s) => ({ id: s.id, criticality: s.criticality, state: s.state })),
    risk: { score: summary.risk.score, level: summary.risk.level },
  };
}
