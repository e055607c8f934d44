import type { ImpactState } from '../model/relations.js';
import type { ImpactSummary } from './types.js';

export type RiskLevel = ImpactSummary['risk']['level'];

/** Points a business service of this criticality contributes when it is down. Unknown criticalities count as `medium`. */
export const CRITICALITY_WEIGHT: Readonly<Record<string, number>> = { critical: 60, high: 35, medium: 15, low: 5 };

/** How much of a CI's weight a state carries. */
export const STATE_FACTOR: Readonly<Record<ImpactState, number>> = { down: 1, degraded: 0.5, 'at-risk': 0.2, operational: 0 };

/** Points for the event itself: a delete cannot be undone by a restart, a change may well succeed. */
export const EVENT_POINTS: Readonly<Record<ImpactSummary['event'], number>> = { delete: 10, down: 6, change: 2 };

/** Most points the event part reaches, however many objects a delete removes. */
const EVENT_CAP = 40;

/** Number of (state-weighted) CIs at which the breadth part saturates. */
const BREADTH_SATURATION = 1000;

export interface RiskInput {
  readonly event: ImpactSummary['event'];
  /** States of every CI hit, sources included — for `change`, the state each *would* reach. */
  readonly states: Iterable<ImpactState>;
  /** Business services hit, with the state they would reach. */
  readonly businessServices: Iterable<{ criticality: string; state: ImpactState }>;
  /**
   * For `delete`: how many objects the event removes — the deleted CIs and every
   * cascaded delete (the contents of a deleted Namespace, the custom resources of
   * a deleted CRD). Default 1.
   */
  readonly deletes?: number;
}

/**
 * The risk score, 0–100, and its level. Criticality of what is hit counts most,
 * then how much is hit, then the event:
 *
 *   services = min(60, Σ over business services  CRITICALITY_WEIGHT[criticality] × STATE_FACTOR[state])
 *   breadth  = 30 × min(1, log10(1 + Σ over CIs STATE_FACTOR[state]) / log10(1 + 1000))
 *   event    = EVENT_POINTS[event]                      (down 6, change 2)
 *            = min(40, 10 × (1 + log10(deletes)))       (delete: 1 object 10, 10 objects 20, 100 objects 30)
 *   score    = round(min(100, services + breadth + event))
 *
 * with CRITICALITY_WEIGHT critical 60, high 35, medium 15 (and any other value),
 * low 5; STATE_FACTOR down 1, degraded 0.5, at-risk 0.2. For `change`, states
 * are those the CIs would reach if the change fails: a review should see the
 * blast radius the change risks, and the event part says it has not happened.
 * `deletes` counts every object a delete removes, cascaded deletes included:
 * each weighs as a delete, so deleting a Namespace with eight objects in it
 * (9 deletes, 9 CIs down: 20 + 10) is medium where deleting one ConfigMap is low.
 * Levels: low < 25 ≤ medium < 50 ≤ high < 75 ≤ critical. So one critical
 * service down is high or critical by itself, a thousand CIs down with no
 * business service behind them is at most medium, and a single isolated CI going
 * down is low.
 */
export function riskOf(input: RiskInput): ImpactSummary['risk'] {
  let services = 0;
  for (const s of input.businessServices) {
    services += (CRITICALITY_WEIGHT[s.criticality.toLowerCase()] ?? CRITICALITY_WEIGHT.medium) * STATE_FACTOR[s.state];
  }
  let weighted = 0;
  for (const state of input.states) weighted += STATE_FACTOR[state];
  const breadth = 30 * Math.min(1, Math.log10(1 + weighted) / Math.log10(1 + BREADTH_SATURATION));
  const deletes = Math.max(1, input.deletes ?? 1);
  const event = input.event === 'delete' ? Math.min(EVENT_CAP, EVENT_POINTS.delete * (1 + Math.log10(deletes))) : EVENT_POINTS[input.event];
  const score = Math.round(Math.min(100, Math.min(60, services) + breadth + event));
  return { score, level: levelOf(score) };
}

export function levelOf(score: number): RiskLevel {
  return score < 25 ? 'low' : score < 50 ? 'medium' : score < 75 ? 'high' : 'critical';
}
