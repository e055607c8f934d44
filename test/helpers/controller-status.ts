/** A controller status as the reconciler writes it, for the plumb status tests (HTTP and ConfigMap). */
import type { ControllerStatus } from '../../engine/reconcile/status.js';

export const REV = 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0';
export const NEW = 'ffeeddccbbaa99887766554433221100ffeeddcc';

/** A status as the reconciler writes it after applying REV, with a newer revision denied by policy and one incident open. */
export const STATUS: ControllerStatus = {
  source: 'https://git.example.com/infra.git#main',
  identity: 'plumb-controller-7d9f-x2',
  revision: NEW,
  lastAppliedRevision: REV,
  refusedRevision: { revision: NEW, reason: 'PolicyDenied', message: 'no-red on configmap:shop/colors: red is not allowed' },
  lastReconcileTime: '2026-11-30T16:00:05.000Z',
  plan: {
    revision: REV,
    hash: '0123456789abcdef0123456789abcdef',
    summary: { create: 0, update: 1, delete: 0, noop: 7, unmanaged: 2 },
    denied: false,
    applied: 1,
    held: [],
    drift: ['configmap:shop/colors'],
  },
  lastApply: { run: '20261130T160004Z-9a1b2c', outcome: 'succeeded', failed: [], time: '2026-11-30T16:00:04.500Z' },
  conditions: [
    {
      type: 'Ready',
      status: 'False',
      reason: 'PolicyDenied',
      message: `revision ${NEW.slice(0, 12)} was refused`,
      lastTransitionTime: '2026-11-30T16:00:05.000Z',
    },
    { type: 'Reconciling', status: 'False', reason: 'ReconciliationSucceeded', message: '', lastTransitionTime: '2026-11-30T15:59:00.000Z' },
    { type: 'Stalled', status: 'True', reason: 'PolicyDenied', message: 'fix the change in Git', lastTransitionTime: '2026-11-30T16:00:05.000Z' },
  ],
  incidents: {
    open: 1,
    items: [
      {
        dedupeKey: 'c0ffee00c0ffee00c0ffee00',
        severity: 'critical',
        failure: 'down',
        cause: ['host:shop/db-host-1'],
        symptoms: 3,
        businessServices: ['businessservice:shop/checkout'],
        firstSeen: '2026-11-30T15:58:00.000Z',
        restore: 'plumb restore 20261130T155500Z-0a0b0c configmap:shop/colors',
      },
    ],
  },
};
