/**
 * The controller's capacity round on the bundled example (its recording):
 * forecasts become metrics and health events, and the incident correlator
 * opens one proactive incident for the CI forecast at risk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentCorrelator } from '../../../engine/correlate/correlator.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { CapacityWatch } from '../../../engine/reconcile/monitoring/capacity-watch.js';
import { createControllerLogger } from '../../../engine/reconcile/logger.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'plumb-capacity-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the controller capacity round', () => {
  it('exports the forecasts as metrics and opens a predicted-exhaustion incident through the correlator, once', async () => {
    const repo = await loadRepository({ repo: PROJECT_ROOT });
    const { graph } = validateRepository(repo);
    const registry = new Registry();
    const logs: string[] = [];
    const logger = createControllerLogger({ level: 'info', destination: { write: (s: string) => logs.push(s) } as unknown as NodeJS.WritableStream });
    const watch = new CapacityWatch({ registry, logger });
    const signal = new AbortController().signal;
    const now = new Date('2026-11-30T00:05:00Z');
    const events = await watch.round(repo, 'rev-1', now, signal);
    expect(events).toBeDefined();
    expect(events!.filter((e) => e.kind === 'predicted-exhaustion')).toEqual([
      expect.objectContaining({
        ci: 'database:shop/orders-db',
        severity: 'warning',
        detail: 'storage forecast to pass 20 % headroom within 30 days',
        source: 'capacity',
      }),
      expect.objectContaining({ ci: 'host:shop/db-host-1', severity: 'cleared' }),
    ]);
    // the example's anomaly is three days old: history, not news
    expect(events!.filter((e) => e.kind === 'anomaly').map((e) => e.severity)).toEqual(['cleared', 'cleared']);

    const metrics = await registry.metrics();
    expect(metrics).toContain('plumb_capacity_status{ci="database:shop/orders-db",signal="storage"} 1');
    expect(metrics).toContain('plumb_capacity_status{ci="host:shop/db-host-1",signal="memory"} 0');
    expect(metrics).toContain('plumb_capacity_days_to_exhaustion{ci="host:shop/db-host-1",signal="memory"} +Inf');
    expect(metrics).toMatch(/plumb_capacity_days_to_limit\{ci="database:shop\/orders-db",signal="storage"\} 2\d\.\d+/);
    expect(metrics).toContain('plumb_capacity_anomalies{ci="host:shop/db-host-1",signal="memory"} 1');
    expect(metrics).toContain('plumb_capacity_signals{status="warning"} 1');
    expect(metrics).toContain('plumb_capacity_rounds_total{outcome="ok"} 1');

    const correlator = await IncidentCorrelator.open({ statePath: join(dir, 'incidents.json'), windowMs: 0 });
    correlator.submit(events!);
    const actions = await correlator.evaluate({ now, graph });
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ action: 'open', failure: 'predicted-exhaustion', severity: 'warning', ci: { id: 'database:shop/orders-db' } });
    expect(actions[0].summary).toContain('orders-db');
    expect(correlator.openIncidents()).toHaveLength(1);

    // within the interval (15 m by default) nothing is evaluated again
    expect(await watch.round(repo, 'rev-1', new Date(now.getTime() + 60_000), signal)).toBeUndefined();
    // after it, the same forecast: the same condition, no new incident
    const later = new Date(now.getTime() + 16 * 60_000);
    correlator.submit((await watch.round(repo, 'rev-1', later, signal))!);
    expect((await correlator.evaluate({ now: later, graph })).filter((a) => a.action === 'open')).toEqual([]);
    expect(correlator.openIncidents()).toHaveLength(1);
    expect(logs.join('')).toContain('capacity forecasts evaluated');
  });
});
