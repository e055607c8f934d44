import type { CIGraph } from '../graph/types.js';
import { impactIndexOf, type ImpactIndex } from '../impact/impact-index.js';
import { simulateImpact } from '../impact/simulate.js';
import type { ImpactSummary } from '../plan/types.js';
import type { IncidentService } from './types.js';

export interface IncidentImpact {
  readonly businessServices: readonly IncidentService[];
  readonly risk: ImpactSummary['risk'];
}

const NONE: IncidentImpact = { businessServices: [], risk: { score: 0, level: 'low' } };

/**
 * Impacts already simulated, per impact index: impactIndexOf gives the same
 * index until the graph changes, so an edited graph is simulated afresh.
 */
const CACHE = new WeakMap<ImpactIndex, Map<string, IncidentImpact>>();

/**
 * What it hits when this CI is down (event `down`): the business services
 * reached, with criticality and state, and the risk. A CI the graph does not
 * have (removed from the inventory) hits nothing. Remembered until the graph changes,
 * so a round that sees the same failures on the same graph simulates nothing.
 */
export function incidentImpact(graph: CIGraph, ci: string): IncidentImpact {
  if (!graph.hasNode(ci)) return NONE;
  const index = impactIndexOf(graph);
  let known = CACHE.get(index);
  if (!known) CACHE.set(index, (known = new Map()));
  const hit = known.get(ci);
  if (hit) return hit;
  const impact = simulateImpact(graph, { sources: [ci], event: 'down' });
  const result = { businessServices: impact.businessServices.map(({ id, criticality, state }) => ({ id, criticality, state })), risk: impact.risk };
  known.set(ci, result);
  return result;
}

/** Same services in the same states and the same risk level (a score wobble alone is not news). */
export function sameImpact(a: IncidentImpact, b: IncidentImpact): boolean {
  if (a.risk.level !== b.risk.level || a.businessServices.length !== b.businessServices.length) return false;
  return a.businessServices.every((s, i) => {
    const t = b.businessServices[i];
    return s.id === t.id && s.state === t.state && s.criticality === t.criticality;
  });
}
