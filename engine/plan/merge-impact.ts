import { STATE_RANK, type ImpactState } from '../model/relations.js';
import type { AffectedCI, ImpactSummary } from './types.js';
import { compareText } from '../model/compare-text.js';

const LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/** The impact of nothing: what a plan without changes reports. */
export function emptyImpact(event: ImpactSummary['event'] = 'change'): ImpactSummary {
  return { sources: [], event, affected: [], businessServices: [], risk: { score: 0, level: 'low' } };
}

/**
 * Merges simulations of the same change set under different events (the
 * creates and updates as `change`, the deletes as `delete`) into the one
 * impact the plan reports. Each CI keeps its worst state (then its shortest
 * path); the risk is the worst of the parts — a change set is as risky as its
 * riskiest event. The merged event is `delete` when any part deletes, since
 * that is the stronger claim; sources are the union.
 */
export function mergeImpacts(parts: readonly ImpactSummary[]): ImpactSummary {
  const present = parts.filter((p) => p.sources.length > 0);
  if (present.length === 0) return emptyImpact();
  if (present.length === 1) return present[0];
  const affected = new Map<string, AffectedCI>();
  const services = new Map<string, ImpactSummary['businessServices'][number]>();
  const sources = new Set<string>();
  let score = 0;
  let level = 0;
  for (const part of present) {
    part.sources.forEach((s) => sources.add(s));
    for (const a of part.affected) {
      const seen = affected.get(a.id);
      if (!seen || worse(a.state, seen.state) || (a.state === seen.state && a.depth < seen.depth)) affected.set(a.id, a);
    }
    for (const s of part.businessServices) {
      const seen = services.get(s.id);
      if (!seen || worse(s.state, seen.state)) services.set(s.id, s);
    }
    score = Math.max(score, part.risk.score);
    level = Math.max(level, LEVELS.indexOf(part.risk.level));
  }
  return {
    sources: [...sources].sort(),
    event: present.some((p) => p.event === 'delete') ? 'delete' : present[0].event,
    affected: [...affected.values()].sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || a.depth - b.depth || compareText(a.id, b.id)),
    businessServices: [...services.values()].sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || compareText(a.id, b.id)),
    risk: { score, level: LEVELS[level] },
  };
}

function worse(a: ImpactState, b: ImpactState): boolean {
  return STATE_RANK[a] < STATE_RANK[b];
}
