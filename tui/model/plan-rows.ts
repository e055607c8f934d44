import type { Plan, PlannedChange } from '../../engine/index.js';
import type { PolicyIndex, PolicyState } from './policy-state.js';
import { matches, parseQuery, splitId, stateOfAction } from './query.js';

export type PlanRow =
  | { readonly kind: 'wave'; readonly key: string; readonly wave: number; readonly count: number }
  | { readonly kind: 'change'; readonly key: string; readonly change: PlannedChange; readonly policy: PolicyState };

export interface PlanRows {
  readonly rows: readonly PlanRow[];
  /** Change id → its row index, so the cursor follows a change across re-plans in O(1). */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Changes shown (noops are never rows; the header counts them). */
  readonly changes: number;
}

/**
 * The plan view's rows: a header per wave, then its changes in plan order.
 * `filter` is the `/` query (query.ts: `kind:`, `ns:`, `state:` words, `!`
 * to negate, other words matched in the id, action, provider, target, impact
 * level or policy state, case-insensitively). Linear in the changes.
 */
export function planRows(plan: Plan, policies: PolicyIndex, filter = '', labels?: (id: string) => Readonly<Record<string, string>> | undefined): PlanRows {
  const query = parseQuery(filter);
  const byWave = new Map<number, PlanRow[]>();
  for (const change of plan.changes) {
    if (change.action === 'noop') continue;
    const policy = policies.stateByCi.get(change.id) ?? 'ok';
    if (query.words.length && !matches(query, matchable(change, policy, labels?.(change.id)))) continue;
    (byWave.get(change.wave) ?? byWave.set(change.wave, []).get(change.wave)!).push({ kind: 'change', key: change.id, change, policy });
  }
  const rows: PlanRow[] = [];
  const indexOf = new Map<string, number>();
  let changes = 0;
  for (const wave of [...byWave.keys()].sort((a, b) => a - b)) {
    const list = byWave.get(wave)!;
    rows.push({ kind: 'wave', key: `wave:${wave}`, wave, count: list.length });
    for (const row of list) {
      indexOf.set(row.key, rows.length);
      rows.push(row);
      changes++;
    }
  }
  return { rows, indexOf, changes };
}

function matchable(c: PlannedChange, policy: PolicyState, labels: Readonly<Record<string, string>> | undefined) {
  const { kind, namespace } = splitId(c.id);
  return {
    id: c.id,
    kind,
    namespace,
    state: stateOfAction(c.action),
    extra: `${c.provider} ${c.target} ${c.impact?.risk.level ?? ''} ${policy}`,
    ...(labels ? { labels } : {}),
  };
}

/** The change row nearest to `index` (searching down, then up), or -1 when there is none. */
export function nearestChange(rows: readonly PlanRow[], index: number): number {
  for (let i = Math.max(0, index); i < rows.length; i++) if (rows[i].kind === 'change') return i;
  for (let i = Math.min(index, rows.length - 1); i >= 0; i--) if (rows[i].kind === 'change') return i;
  return -1;
}

/** The next change row from `index` in direction `step` (±1, or a page), staying put at the ends. */
export function moveCursor(rows: readonly PlanRow[], index: number, step: number): number {
  const target = Math.max(0, Math.min(rows.length - 1, index + step));
  if (rows[target]?.kind === 'change') return target;
  const dir = step >= 0 ? 1 : -1;
  for (let i = target; i >= 0 && i < rows.length; i += dir) if (rows[i].kind === 'change') return i;
  // past the first change there is only its wave header: settle on that change
  for (let i = target; i >= 0 && i < rows.length; i -= dir) if (rows[i].kind === 'change') return i;
  return index;
}
