import type { CIDocument, Plan, PlannedChange } from '../../engine/index.js';
import type { PolicyIndex, PolicyState } from './policy-state.js';
import { matches, parseQuery, splitId, stateOfAction, type CIState } from './query.js';

/** One CI of the browser (`:ci`): every desired CI and every observed object, changed or not. */
export interface CIRow {
  /** Identity and target: one CI can be observed on two targets. */
  readonly key: string;
  readonly id: string;
  /** As written (`Database`); lowercased from the identity when no document says. */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly target: string;
  readonly state: CIState;
  /** The plan's change for it (a noop for an unchanged CI); absent for an unmanaged object. */
  readonly change?: PlannedChange;
  readonly policy: PolicyState;
  /** The change's own risk score (0–100), -1 when none was computed. */
  readonly risk: number;
  readonly document?: CIDocument;
}

export type SortKey = 'id' | 'kind' | 'state' | 'impact';
export const SORT_KEYS: readonly SortKey[] = ['id', 'kind', 'state', 'impact'];

export interface Sort {
  readonly key: SortKey;
  /** Ascending; `impact` reads highest first unless reversed. */
  readonly reverse: boolean;
}

/** The order of states when sorting by state: what needs attention first. */
const STATE_ORDER: Readonly<Record<CIState, number>> = { delete: 0, replace: 1, update: 2, create: 3, unmanaged: 4, unchanged: 5 };

export interface CIRows {
  readonly rows: readonly CIRow[];
  /** Row key → index (the cursor follows a CI across re-plans and re-sorts). */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Per state, over every CI before filtering (the browser's title). */
  readonly counts: Readonly<Record<CIState, number>>;
  readonly total: number;
}

/**
 * The browser's rows: every change of the plan, unchanged CIs included, and
 * every unmanaged object (observed, not in Git, not plumb's), filtered by the
 * `/` query (engine-independent, see query.ts) and sorted. Kind, namespace
 * and name come from the CI's document when there is one, else from its
 * identity. O(n log n) in the CIs.
 */
export function ciRows(plan: Plan, policies: PolicyIndex, documents: readonly CIDocument[] | undefined, filter: string, sort: Sort): CIRows {
  const docs = new Map((documents ?? []).map((d) => [`${d.id}\n${d.target}`, d]));
  const query = parseQuery(filter);
  const counts: Record<CIState, number> = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0, unmanaged: 0 };
  const all: CIRow[] = [];
  const add = (id: string, target: string, state: CIState, change?: PlannedChange) => {
    const key = `${id}\n${target}`;
    const document = docs.get(key);
    const parts = splitId(id);
    const policy = policies.stateByCi.get(id) ?? 'ok';
    counts[state]++;
    all.push({
      key,
      id,
      kind: document?.kind ?? parts.kind,
      namespace: document?.namespace ?? parts.namespace,
      name: document?.name ?? parts.name,
      target,
      state,
      ...(change ? { change } : {}),
      policy,
      risk: change?.impact?.risk.score ?? -1,
      ...(document ? { document } : {}),
    });
  };
  for (const c of plan.changes) add(c.id, c.target, stateOfAction(c.action), c);
  for (const u of plan.unmanaged) add(u.id, u.target, 'unmanaged');
  const rows = all.filter((r) =>
    matches(query, {
      id: r.id,
      kind: r.kind,
      namespace: r.namespace,
      state: r.state,
      extra: `${r.target} ${r.change?.provider ?? ''} ${r.change?.impact?.risk.level ?? ''} ${r.policy}`,
      ...(r.document ? { labels: labelsOf(r.document) } : {}),
    }),
  );
  rows.sort(comparator(sort));
  return { rows, indexOf: new Map(rows.map((r, i) => [r.key, i])), counts, total: all.length };
}

function comparator(sort: Sort): (a: CIRow, b: CIRow) => number {
  const byId = (a: CIRow, b: CIRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0);
  const primary: (a: CIRow, b: CIRow) => number =
    sort.key === 'kind'
      ? (a, b) => (a.kind.toLowerCase() < b.kind.toLowerCase() ? -1 : a.kind.toLowerCase() > b.kind.toLowerCase() ? 1 : 0)
      : sort.key === 'state'
        ? (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]
        : sort.key === 'impact'
          ? (a, b) => b.risk - a.risk
          : () => 0;
  const dir = sort.reverse ? -1 : 1;
  return (a, b) => dir * (primary(a, b) || byId(a, b));
}

/** A CI's labels: Git's when it is declared, else the target's. */
export function labelsOf(doc: CIDocument): Readonly<Record<string, string>> | undefined {
  const meta = (doc.desired ?? doc.observed)?.metadata;
  const labels = meta && typeof meta === 'object' ? (meta as Record<string, unknown>).labels : undefined;
  return labels && typeof labels === 'object' ? (labels as Record<string, string>) : undefined;
}
