/**
 * The controller monitor with plumb.yaml `metrics:`: a database forecast to
 * run out of storage opens a proactive incident ("predicted-exhaustion") that
 * reaches the ITSM receiver through the outbox, like an outage, and the
 * capacity metrics are exported. The metrics come from a recording.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringifyRecording, toRecording } from '../../../engine/capacity/recorded.js';
import { loadDesiredState } from '../../../engine/reconcile/desired-state.js';
import { Monitor } from '../../../engine/reconcile/monitoring/monitor.js';
import type { ReconcileRound } from '../../../engine/reconcile/reconciler.js';
import { DAY, generate, HOUR } from '../../prometheus/synthetic-series.js';
import { Receiver, waitFor } from '../notify/receiver.js';
import { ApiServer, capturedLogger, FIXTURE, incidentShop } from './monitor-fixture.js';

const SECRET = 'itsm-secret-capacity-7f3a';
const NOW = new Date('2026-01-05T09:00:00Z');
const api = new ApiServer();
const itsm = new Receiver(SECRET);
const dirs: string[] = [];
beforeAll(async () => {
  await Promise.all([api.start(), itsm.start()]);
});
afterAll(async () => {
  await Promise.all([api.stop(), itsm.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const QUERY = 'pg_database_size_bytes{datname="orders"}';

it('a database forecast to fill up opens a predicted-exhaustion ticket through the outbox, and exports plumb_capacity_*', async () => {
  // 80 GB four weeks ago, 8 GB more a day: about 300 GB now, and the 500 GB full in about 25 days
  const start = NOW.getTime() - 28 * DAY;
  const storage = generate({
    shape: { base: 80e9, slope: 8e9, daily: 1e9, weekly: 0, t0: start },
    start,
    end: NOW.getTime(),
    step: HOUR,
    noise: 0.2e9,
    seed: 5,
  });
  const dir = incidentShop(api.port, {
    'plumb.yaml': `${readFileSync(join(FIXTURE, 'plumb.yaml'), 'utf8')}metrics: {provider: recorded, path: observed/metrics.yaml}\n`,
    'observed/metrics.yaml': stringifyRecording(toRecording(NOW.getTime(), new Map([[QUERY, storage]]))),
    'inventory/db.yaml': `apiVersion: plumb.io/v1
kind: Database
metadata: {name: orders-db, namespace: shop}
spec: {engine: postgres, storageGb: 500}
capacity:
  - {name: storage, usage: '${QUERY}', capacity: {field: spec.storageGb, scale: 1e9}, unit: bytes, horizon: 60d, step: 1h}
relations:
  - {type: partOf, target: businessservice:webshop}
`,
  });
  dirs.push(dir);
  const { desired, diagnostics } = await loadDesiredState({ revision: 'r1', dir });
  if (!desired) throw new Error(JSON.stringify(diagnostics));
  const stateDir = mkdtempSync(join(tmpdir(), 'plumb-monitor-capacity-'));
  dirs.push(stateDir);
  const log = capturedLogger();
  const registry = new Registry();
  const monitor = new Monitor({ logger: log.logger, registry, stateDir, now: () => NOW, env: { PLUMB_ITSM_URL: itsm.url, PLUMB_ITSM_SECRET: SECRET } });
  const round: ReconcileRound = {
    trigger: 'interval',
    outcome: { result: 'succeeded' },
    status: { source: 'test', identity: 'test', conditions: [] },
    desired,
    signal: new AbortController().signal,
  };
  await monitor.round(round);
  await waitFor(() => itsm.deliveries.length === 1, 5000, 'the ticket');
  await monitor.stop();
  const ticket = itsm.deliveries[0].body as Record<string, any>;
  expect(ticket).toMatchObject({
    action: 'open',
    failure: 'predicted-exhaustion',
    severity: 'minor',
    ci: { id: 'database:shop/orders-db' },
    reason: expect.stringContaining('storage forecast to reach capacity within 30 days'),
  });
  expect(ticket.summary).toContain('database:shop/orders-db');
  const metrics = await registry.metrics();
  expect(metrics).toMatch(/^plumb_capacity_status\{ci="database:shop\/orders-db",signal="storage"\} 2$/m);
  expect(metrics).toMatch(/^plumb_capacity_days_to_exhaustion\{ci="database:shop\/orders-db",signal="storage"\} 2\d\.\d+$/m);
  expect(metrics).toMatch(/^plumb_incidents_open 1$/m);
});
