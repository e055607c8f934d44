import { describe, expect, it } from 'vitest';
import type { ApplyReport } from '../../../engine/apply/types.js';
import { ReconcileError } from '../../../engine/reconcile/classify-error.js';
import type { DesiredState } from '../../../engine/reconcile/desired-state.js';
import { ChangeNotices } from '../../../engine/reconcile/monitoring/change-notices.js';
import type { ReconcileRound } from '../../../engine/reconcile/reconciler.js';
import type { SyncSelection } from '../../../engine/reconcile/sync-selection.js';

const desired = { revision: 'a'.repeat(40) } as DesiredState;
const selection = (drift: string[], held: string[] = []): SyncSelection => ({
  apply: [],
  drift,
  held: held.map((id) => ({ id, action: 'update', reason: 'manual' as const })),
});
const round = (extra: Partial<ReconcileRound>): ReconcileRound => ({
  trigger: 'interval',
  outcome: { result: 'succeeded' },
  status: { source: 's', identity: 'i', revision: desired.revision, conditions: [] },
  desired,
  signal: new AbortController().signal,
  ...extra,
});
const report = (outcome: ApplyReport['outcome'], changes: [string, string, 'applied' | 'failed'][]): ApplyReport => ({
  run: `run-${Math.random()}`,
  planHash: 'h',
  outcome,
  changes: changes.map(([action, id, result]) => ({ id, action, result, target: 't', wave: 1 })),
  backups: [],
  rollbacks: [],
  health: [],
  interrupted: [],
  brokenLocks: [],
  diagnostics: [],
});
const failed = (message: string) => ({ result: 'transient' as const, retryInMs: 1000, error: new ReconcileError('transient', 'DiscoveryFailed', message) });

describe('change notices for chat: told once, like the Kubernetes Events', () => {
  it('drift is told once while it lasts, again when it changes, and again after it cleared', () => {
    const notices = new ChangeNotices();
    const told = [
      notices.of(round({ selection: selection(['configmap:shop/b'], ['configmap:shop/a']) })),
      notices.of(round({ selection: selection(['configmap:shop/b'], ['configmap:shop/a']) })),
      notices.of(round({ selection: selection(['configmap:shop/b']) })),
      notices.of(round({ selection: selection([]) })),
      notices.of(round({ selection: selection(['configmap:shop/b']) })),
      notices.of(round({})), // no plan this round: says nothing about drift
    ];
    expect(told).toEqual([
      [{ type: 'drift', revision: desired.revision, drifted: ['configmap:shop/a', 'configmap:shop/b'] }],
      [],
      [{ type: 'drift', revision: desired.revision, drifted: ['configmap:shop/b'] }],
      [],
      [{ type: 'drift', revision: desired.revision, drifted: ['configmap:shop/b'] }],
      [],
    ]);
  });

  it('an apply is told with its counts and failures; the same apply again is not', () => {
    const notices = new ChangeNotices();
    const ok = report('succeeded', [
      ['update', 'configmap:shop/a', 'applied'],
      ['create', 'configmap:shop/b', 'applied'],
    ]);
    const bad = report('failed', [
      ['update', 'configmap:shop/a', 'applied'],
      ['delete', 'configmap:shop/c', 'failed'],
    ]);
    expect([
      notices.of(round({ report: ok })),
      notices.of(round({ report: { ...ok, run: 'again' } })),
      notices.of(round({ report: bad, outcome: failed('apply failed: configmap:shop/c') })),
    ]).toEqual([
      [{ type: 'apply', revision: desired.revision, ok: true, summary: { create: 1, update: 1, delete: 0 } }],
      [],
      [
        { type: 'apply', revision: desired.revision, ok: false, summary: { create: 0, update: 1, delete: 0 }, failed: ['configmap:shop/c'] },
        { type: 'failure', title: 'reconcile failed: DiscoveryFailed', message: 'apply failed: configmap:shop/c', revision: desired.revision },
      ],
    ]);
  });

  it('a failure is told once while it repeats, and again once it came back after a success', () => {
    const notices = new ChangeNotices();
    const told = [failed('api unreachable'), failed('api unreachable'), { result: 'succeeded' as const }, failed('api unreachable')].map((outcome) =>
      notices.of(round({ outcome })).map((n) => n.type),
    );
    expect(told).toEqual([['failure'], [], [], ['failure']]);
  });
});
