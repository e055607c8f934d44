import type { PlumbConfig, PruneConfig } from '../config/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Plan } from './types.js';

/** The prune guards in force for one target: plumb.yaml's `prune`, overridden by the target's own. */
export interface PruneLimits {
  readonly allowEmpty: boolean;
  /** At most this many deletes (undefined: no count ceiling). */
  readonly maxCount?: number;
  /** At most this percentage (0–100) of the target's managed objects (undefined: no ceiling). */
  readonly maxPercent?: number;
}

/** Resolves the guards of `target` (engine/config/types.ts, PruneConfig). */
export function pruneLimits(config: Pick<PlumbConfig, 'prune' | 'targets'>, target: string): PruneLimits {
  const merged: PruneConfig = { ...config.prune, ...(config.targets[target]?.prune ?? {}) };
  const m = merged.maxDeletes;
  const limits: { allowEmpty: boolean; maxCount?: number; maxPercent?: number } = { allowEmpty: merged.allowEmpty === true };
  if (typeof m === 'number') limits.maxCount = m;
  else if (typeof m === 'string') limits.maxPercent = Number(m.replace(/%$/, ''));
  else if (m) {
    if (m.count !== undefined) limits.maxCount = m.count;
    if (m.percent !== undefined) limits.maxPercent = m.percent;
  }
  return limits;
}

/** What one target's part of a plan would prune, and out of how much. */
export interface PruneCount {
  readonly target: string;
  /** Desired CIs the target's inventory renders (every non-delete change, noops included). */
  readonly desired: number;
  readonly deletes: number;
  /** Objects the target manages: its deletes plus the desired CIs that exist (update or noop). */
  readonly managed: number;
}

/**
 * Counts per target, from the plan's changes (one pass); desired and managed
 * from `targetSizes` when the plan has them (a plan narrowed to a selection
 * no longer holds its noops).
 */
export function pruneCounts(plan: Pick<Plan, 'changes' | 'targets' | 'targetSizes'>): PruneCount[] {
  const by = new Map(plan.targets.map((t) => [t, { target: t, desired: 0, deletes: 0, managed: 0 }]));
  for (const c of plan.changes) {
    const n = by.get(c.target);
    if (!n) continue;
    if (c.action === 'delete') {
      n.deletes++;
      n.managed++;
    } else {
      n.desired++;
      if (c.action !== 'create') n.managed++;
    }
  }
  const sizes = plan.targetSizes;
  return [...by.values()].map((n) => (sizes?.[n.target] ? { ...n, desired: sizes[n.target].desired, managed: sizes[n.target].managed } : n));
}

/**
 * The prune guards (Argo CD's `allowEmpty`, plus a ceiling): for every target
 * of the plan whose deletes would run, an error diagnostic when
 *
 * - `prune.empty-inventory`: its inventory renders no CI at all (a renamed
 *   directory, a glob that matches nothing, a failed render) while it manages
 *   objects — pruning would delete every one of them — unless `allowEmpty`;
 * - `prune.max-deletes`: it would delete more than `maxDeletes` (a count, or a
 *   percentage of its managed objects).
 *
 * Apply refuses a prune with any of these (nothing is written); the
 * controller holds its last good revision. `plan` reports them as warnings.
 */
export function checkPruneGuards(
  plan: Pick<Plan, 'changes' | 'targets' | 'targetSizes'>,
  config: Pick<PlumbConfig, 'prune' | 'targets'>,
  targets?: ReadonlySet<string>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const n of pruneCounts(plan)) {
    if (n.deletes === 0 || (targets && !targets.has(n.target))) continue;
    const limits = pruneLimits(config, n.target);
    if (n.desired === 0 && !limits.allowEmpty) {
      out.push({
        severity: 'error',
        code: 'prune.empty-inventory',
        message: `refusing to prune target ${n.target}: the inventory renders no CI for it, so all ${n.deletes} object(s) it manages would be deleted`,
        hint: `check the inventory globs and the target's select in plumb.yaml; if emptying the target is intended, set targets.${n.target}.prune.allowEmpty: true`,
      });
      continue;
    }
    const percent = n.managed === 0 ? 0 : (100 * n.deletes) / n.managed;
    const overCount = limits.maxCount !== undefined && n.deletes > limits.maxCount;
    const overPercent = limits.maxPercent !== undefined && percent > limits.maxPercent;
    if (overCount || overPercent) {
      const ceiling = [limits.maxCount !== undefined ? `${limits.maxCount}` : undefined, limits.maxPercent !== undefined ? `${limits.maxPercent}%` : undefined]
        .filter(Boolean)
        .join(' and ');
      out.push({
        severity: 'error',
        code: 'prune.max-deletes',
        message: `refusing to prune target ${n.target}: ${n.deletes} delete(s), ${Math.round(percent)}% of its ${n.managed} managed object(s), is over the ceiling prune.maxDeletes (${ceiling})`,
        hint: `review the deletes; if they are intended, raise targets.${n.target}.prune.maxDeletes in plumb.yaml, or apply without --prune`,
      });
    }
  }
  return out;
}
