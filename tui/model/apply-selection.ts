import { denials, orderingOf, withSelection, type CIGraph, type Plan, type PlannedChange } from '../../engine/index.js';

export interface ApplySelection {
  /** Every change to apply, in plan order. */
  readonly changes: readonly PlannedChange[];
  /** Changes the operator did not pick but that a picked change needs first. */
  readonly pulledIn: readonly string[];
  /** Pulled-in change → the change of the selection that needs it (directly or through others). */
  readonly neededBy: ReadonlyMap<string, string>;
  /** Which CIs apply will back up before touching them. */
  readonly backups: readonly string[];
  /** The plan narrowed to the selection: what is handed to the engine's apply. */
  readonly plan: Plan;
}

/**
 * Closes the operator's selection over its prerequisites: for a create or
 * update, the CIs it depends on, runs on or is contained by (the engine's
 * ordering.ts decides which end of a relation comes first) that also have a
 * create or update in the plan — found through unchanged CIs too, as the
 * waves are; for a delete, the deletes of its dependents, which the engine
 * orders before it. One walk over the prerequisites reached, never all pairs.
 */
export function selectForApply(plan: Plan, graph: CIGraph | undefined, picked: ReadonlySet<string>): ApplySelection {
  const byId = new Map<string, PlannedChange>();
  for (const c of plan.changes) if (c.action !== 'noop') byId.set(c.id, c);
  const chosen = new Set<string>();
  const pulledIn: string[] = [];
  const neededBy = new Map<string, string>();
  /** Node → the picked change whose walk reached it first. */
  const origin = new Map<string, string>();
  for (const id of picked) if (byId.has(id)) chosen.add(id);
  if (graph) {
    for (const reverse of [false, true]) {
      const seen = new Set<string>();
      const queue = [...chosen].filter((id) => (byId.get(id)!.action === 'delete') === reverse && graph.hasNode(id));
      for (const id of queue) {
        seen.add(id);
        origin.set(id, id);
      }
      for (let i = 0; i < queue.length; i++) {
        for (const next of prerequisites(graph, queue[i], reverse)) {
          if (seen.has(next)) continue;
          seen.add(next);
          queue.push(next);
          origin.set(next, origin.get(queue[i]) ?? queue[i]);
          const c = byId.get(next);
          if (c && (c.action === 'delete') === reverse && !chosen.has(next)) {
            chosen.add(next);
            pulledIn.push(next);
            neededBy.set(next, origin.get(next)!);
          }
        }
      }
    }
  }
  const changes = plan.changes.filter((c) => chosen.has(c.id));
  const backups = plan.backups.filter((id) => chosen.has(id));
  // the engine's one narrowing rule (engine/operations/with-selection.ts): a denial of a change not chosen does not block the others
  return { changes, pulledIn: pulledIn.sort(), neededBy, backups, plan: withSelection(plan, chosen) };
}

/** The nodes that must be applied before `id` (reverse: that must be deleted before it). */
function prerequisites(graph: CIGraph, id: string, reverse: boolean): string[] {
  const out: string[] = [];
  graph.forEachOutEdge(id, (_e, attrs, _s, target) => {
    if (orderingOf(attrs.type) === (reverse ? 'source-first' : 'target-first')) out.push(target);
  });
  graph.forEachInEdge(id, (_e, attrs, source) => {
    if (orderingOf(attrs.type) === (reverse ? 'target-first' : 'source-first')) out.push(source);
  });
  return out;
}

/** The denials that block a selection, for the dialog to show with their reasons. */
export function blockingDenials(selection: ApplySelection) {
  return denials(selection.plan.policy.results);
}
