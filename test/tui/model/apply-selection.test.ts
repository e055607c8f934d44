import { MultiDirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import type { CIGraph } from '../../../engine/graph/types.js';
import type { Plan, PlannedChange, PolicyResult } from '../../../engine/plan/types.js';
import { blockingDenials, selectForApply } from '../../../tui/model/apply-selection.js';

function graphOf(edges: [string, string, string][]): CIGraph {
  const g: CIGraph = new MultiDirectedGraph();
  for (const [s, t, type] of edges) {
    for (const id of [s, t]) if (!g.hasNode(id)) g.addNode(id, { ci: { id } as never });
    g.addEdge(s, t, { type: type as never, inferred: false });
  }
  return g;
}

function change(id: string, action: PlannedChange['action'], wave: number): PlannedChange {
  return { id, action, wave, patch: [], diff: '', provider: 'fake', target: 't', paths: [] };
}

function planOf(changes: PlannedChange[], results: PolicyResult[] = []): Plan {
  return {
    version: 1,
    revision: 'worktree',
    createdAt: '2026-11-25T12:00:00.000Z',
    targets: ['t'],
    summary: { create: 0, update: 0, delete: 0, noop: 0, unmanaged: 0 },
    fingerprints: {},
    changes,
    unmanaged: [],
    impact: { sources: [], event: 'change', affected: [], businessServices: [], risk: { score: 0, level: 'low' } },
    policy: { results, denied: results.some((r) => r.action === 'deny') },
    backups: changes.filter((c) => c.action !== 'create').map((c) => c.id),
    hash: 'h',
  };
}

const deny = (ci: string): PolicyResult => ({
  policy: 'no-delete',
  ci,
  action: 'deny',
  severity: 'critical',
  outcome: 'violated',
  message: `no deleting ${ci}`,
});

describe('selectForApply', () => {
  // app dependsOn db, db runsOn host (unchanged), host runsOn rack; old-app dependsOn old-db, both deleted
  const graph = graphOf([
    ['app:s/app', 'database:s/db', 'dependsOn'],
    ['database:s/db', 'host:s/host', 'runsOn'],
    ['host:s/host', 'rack:s/rack', 'runsOn'],
    ['app:s/old-app', 'database:s/old-db', 'dependsOn'],
  ]);
  const plan = planOf(
    [
      change('rack:s/rack', 'update', 1),
      change('database:s/db', 'update', 2),
      change('app:s/app', 'create', 3),
      change('app:s/old-app', 'delete', 4),
      change('database:s/old-db', 'delete', 5),
      change('host:s/host', 'noop', 0),
    ],
    [deny('database:s/old-db')],
  );

  it('pulls in what a picked change needs first, through unchanged CIs, in plan order', () => {
    const s = selectForApply(plan, graph, new Set(['app:s/app']));
    expect({ changes: s.changes.map((c) => c.id), pulledIn: s.pulledIn, backups: s.backups, denied: s.plan.policy.denied, summary: s.plan.summary }).toEqual({
      changes: ['rack:s/rack', 'database:s/db', 'app:s/app'],
      pulledIn: ['database:s/db', 'rack:s/rack'],
      backups: ['rack:s/rack', 'database:s/db'],
      denied: false,
      summary: { create: 1, update: 2, delete: 0, noop: 0, unmanaged: 0 },
    });
    // what the confirm dialog says each was pulled in for: the rack through the unchanged host, for the app
    expect([...s.neededBy]).toEqual([
      ['database:s/db', 'app:s/app'],
      ['rack:s/rack', 'app:s/app'],
    ]);
  });

  it('pulls the deletes of dependents into a picked delete, and keeps the denial that concerns them', () => {
    const s = selectForApply(plan, graph, new Set(['database:s/old-db']));
    expect(s.changes.map((c) => c.id)).toEqual(['app:s/old-app', 'database:s/old-db']);
    expect(s.pulledIn).toEqual(['app:s/old-app']);
    expect(blockingDenials(s).map((r) => r.ci)).toEqual(['database:s/old-db']);
  });

  it('does not let a denial of an unpicked change block the picked ones', () => {
    const s = selectForApply(plan, graph, new Set(['rack:s/rack']));
    expect(s.plan.policy).toEqual({ results: [], denied: false });
  });

  it('ignores noops and unknown ids', () => {
    expect(selectForApply(plan, graph, new Set(['host:s/host', 'nope:s/x'])).changes).toEqual([]);
  });
});
