import { assemblePlan } from '../../../engine/plan/assemble-plan.js';
import type { Plan } from '../../../engine/plan/types.js';

/** A small plan with one of everything, for the renderers' golden tests. */
export function samplePlan(overrides: { denied?: boolean } = {}): Plan {
  return assemblePlan({
    revision: '0123456789abcdef0123456789abcdef01234567',
    now: new Date('2026-01-02T03:04:05.000Z'),
    targets: ['recorded'],
    changes: [
      { id: 'host:shop/h2', action: 'delete', wave: 3, patch: [], diff: '', provider: 'snapshot', target: 'recorded', paths: [] },
      {
        id: 'database:shop/orders-db',
        action: 'update',
        wave: 1,
        patch: [{ op: 'replace', path: '/spec/version', value: '16' }],
        diff: '--- database:shop/orders-db (observed)\n+++ database:shop/orders-db (desired)\n@@ -3,1 +3,1 @@\n-  version: "15"\n+  version: "16"\n',
        provider: 'snapshot',
        target: 'recorded',
        file: 'inventory/db.yaml',
        line: 4,
        paths: ['/spec/version'],
      },
      {
        id: 'application:shop/api',
        action: 'create',
        wave: 2,
        patch: [{ op: 'add', path: '', value: {} }],
        diff: '+kind: Application\n',
        provider: 'snapshot',
        target: 'recorded',
        file: 'inventory/api.yaml',
        line: 1,
        paths: [''],
      },
      {
        id: 'host:shop/h1',
        action: 'noop',
        wave: 0,
        patch: [],
        diff: '',
        provider: 'snapshot',
        target: 'recorded',
        file: 'inventory/hosts.yaml',
        line: 1,
        paths: [],
      },
    ],
    unmanaged: [{ id: 'host:shop/stray', target: 'recorded' }],
    fingerprints: { 'host:shop/h1': 'a'.repeat(64), 'application:shop/api': 'absent' },
    impact: {
      sources: ['application:shop/api', 'database:shop/orders-db', 'host:shop/h2'],
      event: 'delete',
      affected: [
        { id: 'application:shop/orders', state: 'down', depth: 1, path: ['host:shop/h2', 'application:shop/orders'] },
        {
          id: 'businessservice:shop/checkout',
          state: 'at-risk',
          depth: 2,
          path: ['database:shop/orders-db', 'application:shop/orders', 'businessservice:shop/checkout'],
          wouldBe: 'degraded',
        },
      ],
      businessServices: [{ id: 'businessservice:shop/checkout', criticality: 'critical', state: 'at-risk' }],
      risk: { score: 72, level: 'high' },
    },
    policyResults: [
      { policy: 'change-window', ci: null, action: 'warn', severity: 'medium', outcome: 'violated', message: 'prod changes outside the window' },
      ...(overrides.denied === false
        ? []
        : [
            {
              policy: 'no-tier1-delete',
              ci: 'host:shop/h2',
              action: 'deny' as const,
              severity: 'high' as const,
              outcome: 'violated' as const,
              message: 'deleting tier-1 h2 needs a change ticket',
              file: 'policies/tier1.yaml',
              line: 3,
              column: 1,
            },
          ]),
    ],
  });
}
