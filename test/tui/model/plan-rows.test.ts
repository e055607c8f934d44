import { describe, expect, it } from 'vitest';
import type { Plan, PlannedChange, PolicyResult } from '../../../engine/plan/types.js';
import { moveCursor, nearestChange, planRows } from '../../../tui/model/plan-rows.js';
import { indexPolicies } from '../../../tui/model/policy-state.js';
import { scrollOffset } from '../../../tui/model/viewport.js';

const change = (id: string, action: PlannedChange['action'], wave: number): PlannedChange => ({
  id,
  action,
  wave,
  patch: [],
  diff: '',
  provider: 'fake',
  target: 't',
  paths: [],
});
const result = (ci: string | null, action: PolicyResult['action'], outcome: PolicyResult['outcome'] = 'violated'): PolicyResult => ({
  policy: `p-${action}`,
  ci,
  action,
  severity: 'high',
  outcome,
  message: 'm',
});

const plan = {
  changes: [change('host:s/b', 'update', 1), change('host:s/a', 'create', 1), change('db:s/x', 'delete', 2), change('app:s/n', 'noop', 0)],
  policy: { results: [result('db:s/x', 'deny'), result('host:s/a', 'warn'), result('host:s/a', 'deny', 'excepted'), result(null, 'audit')], denied: true },
} as unknown as Plan;

describe('plan rows', () => {
  it('groups changes by wave in plan order, without noops, with each CI worst policy state', () => {
    const { rows, indexOf, changes } = planRows(plan, indexPolicies(plan));
    expect(rows.map((r) => (r.kind === 'wave' ? `wave ${r.wave} (${r.count})` : `${r.change.id} ${r.policy}`))).toEqual([
      'wave 1 (2)',
      'host:s/b ok',
      'host:s/a warn',
      'wave 2 (1)',
      'db:s/x deny',
    ]);
    expect([...indexOf]).toEqual([
      ['host:s/b', 1],
      ['host:s/a', 2],
      ['db:s/x', 4],
    ]);
    expect(changes).toBe(3);
  });

  it('filters on id, action and policy state, case-insensitively', () => {
    const rows = (f: string) => planRows(plan, indexPolicies(plan), f).rows.map((r) => r.key);
    expect(rows('DENY')).toEqual(['wave:2', 'db:s/x']);
    expect(rows('create')).toEqual(['wave:1', 'host:s/a']);
    expect(rows('zzz')).toEqual([]);
  });

  it('summarises the policy results: the plan is denied, one of each state', () => {
    const p = indexPolicies(plan);
    expect({ overall: p.overall, counts: p.counts, planScope: p.planScope.length }).toEqual({
      overall: 'deny',
      counts: { deny: 1, error: 0, warn: 1, audit: 1, excepted: 1, ok: 0 },
      planScope: 1,
    });
  });

  it('moves the cursor over wave headers and stops at the ends', () => {
    const { rows } = planRows(plan, indexPolicies(plan));
    expect([moveCursor(rows, 2, 1), moveCursor(rows, 4, 1), moveCursor(rows, 1, -1), moveCursor(rows, 4, -100), moveCursor(rows, 1, 100)]).toEqual([
      4, 4, 1, 1, 4,
    ]);
    expect([nearestChange(rows, 0), nearestChange(rows, 3), nearestChange(rows, 99)]).toEqual([1, 4, 4]);
  });
});

describe('scrollOffset', () => {
  it('moves the window only as far as needed to show the cursor, and keeps it otherwise', () => {
    expect([
      scrollOffset(100, 5, 10, 0), // visible: stays
      scrollOffset(100, 12, 10, 0), // below: scrolls just enough
      scrollOffset(100, 3, 10, 20), // above: scrolls up to it
      scrollOffset(100, 25, 10, 20), // visible after a re-plan: the scroll position is kept
      scrollOffset(100, 99, 10, 95), // clamped to the end
      scrollOffset(5, 4, 10, 3), // fits: no scrolling
    ]).toEqual([0, 3, 3, 20, 90, 0]);
  });
});
