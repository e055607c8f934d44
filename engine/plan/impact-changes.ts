import type { CIGraph } from '../graph/types.js';
import { simulateImpact } from '../impact/simulate.js';
import { emptyImpact, mergeImpacts } from './merge-impact.js';
import type { ImpactSummary } from './types.js';

export interface ImpactInput {
  /** The desired graph: creates and updates are simulated here. */
  readonly graph: CIGraph;
  /** Where deleted CIs still exist (the base graph of a review); deletes absent from it have no impact to show. */
  readonly deleteGraph?: CIGraph;
  readonly applied: readonly string[];
  readonly deleted: readonly string[];
  /** Replaced CIs (delete + create): simulated as `delete` events in the desired graph, where they live. */
  readonly replaced?: readonly string[];
  /** Cascaded delete → the deleted identity that removes it (a Namespace, a CRD): each counts as a delete in the risk. */
  readonly cascaded?: ReadonlyMap<string, string>;
  /** Simulate each change alone too (for `PlannedChange.impact` and policies' `impact`). Default true. */
  readonly perChange?: boolean;
}

export interface ImpactResult {
  /** Creates/updates as event `change`, deletes as `delete`, merged. */
  readonly overall: ImpactSummary;
  readonly perChange: ReadonlyMap<string, ImpactSummary>;
}

/**
 * The blast radius of the change set and of each change. Creates and updates
 * are `change` events (what would go down or degrade if the change fails is
 * at-risk); deletes are `delete` events, simulated where the deleted CI still
 * exists. A CI that is in neither graph (an observed object plumb created that
 * nothing in Git refers to) contributes nothing.
 */
export function impactOfChanges(input: ImpactInput): ImpactResult {
  const deleteGraph = input.deleteGraph ?? input.graph;
  const replacedSet = new Set(input.replaced ?? []);
  const replaced = (input.replaced ?? []).filter((id) => input.graph.hasNode(id));
  const applied = input.applied.filter((id) => input.graph.hasNode(id) && !replacedSet.has(id));
  const deleted = input.deleted.filter((id) => deleteGraph.hasNode(id));
  const parts: ImpactSummary[] = [];
  if (applied.length) parts.push(simulateImpact(input.graph, { sources: applied, event: 'change' }));
  const cascadedOf = new Map<string, string[]>();
  for (const [child, parent] of input.cascaded ?? []) {
    const list = cascadedOf.get(parent);
    if (list) list.push(child);
    else cascadedOf.set(parent, [child]);
  }
  if (deleted.length)
    parts.push(simulateImpact(deleteGraph, { sources: deleted, event: 'delete', cascaded: deleted.flatMap((id) => cascadedOf.get(id) ?? []) }));
  if (replaced.length) parts.push(simulateImpact(input.graph, { sources: replaced, event: 'delete' }));
  const perChange = new Map<string, ImpactSummary>();
  if (input.perChange !== false) {
    for (const id of applied) perChange.set(id, simulateImpact(input.graph, { sources: [id], event: 'change' }));
    for (const id of deleted) perChange.set(id, simulateImpact(deleteGraph, { sources: [id], event: 'delete', cascaded: cascadedOf.get(id) ?? [] }));
    for (const id of replaced) perChange.set(id, simulateImpact(input.graph, { sources: [id], event: 'delete' }));
  }
  return { overall: parts.length ? mergeImpacts(parts) : emptyImpact(), perChange };
}
