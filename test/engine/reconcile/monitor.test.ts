import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupeKeyOf } from '../../../engine/incidents/dedupe-key.js';
import { loadDesiredState, type DesiredState } from '../../../engine/reconcile/desired-state.js';
import { Monitor } from '../../../engine/reconcile/monitoring/monitor.js';
import type { ReconcileRound } from '../../../engine/reconcile/reconciler.js';
import { Receiver, waitFor } from '../notify/receiver.js';
import { ApiServer, capturedLogger, incidentShop } from './monitor-fixture.js';

const SECRET = 'itsm-secret-do-not-log-5d1e';
const KEY = dedupeKeyOf('endpoint:shop/api-public', 'down');
const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute, 0));

const api = new ApiServer();
const itsm = new Receiver(SECRET);
const slack = new Receiver();
const dirs: string[] = [];
beforeAll(async () => {
  await Promise.all([api.start(), itsm.start(), slack.start()]);
});
afterAll(async () => {
  await Promise.all([api.stop(), itsm.stop(), slack.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function desiredOf(files: Record<string, string> = {}): Promise<DesiredState> {
  const dir = incidentShop(api.port, files);
  dirs.push(dir);
  const { desired, diagnostics } = await loadDesiredState({ revision: 'r1', dir });
  if (!desired) throw new Error(JSON.stringify(diagnostics));
  return desired;
}

function roundOf(desired: DesiredState, extra: Partial<ReconcileRound> = {}): ReconcileRound {
  return {
    trigger: 'interval',
    outcome: { result: 'succeeded' },
    status: { source: 'test', identity: 'test', conditions: [] },
    desired,
    signal: new AbortController().signal,
    ...extra,
  };
}

/** A monitor on its own state directory, whose clock the test moves. */
function monitorAt(clock: { minute: number }) {
  const stateDir = mkdtempSync(join(tmpdir(), 'plumb-monitor-'));
  dirs.push(stateDir);
  const log = capturedLogger();
  const registry = new Registry();
  const monitor = new Monitor({
    logger: log.logger,
    registry,
    stateDir,
    now: () => at(clock.minute),
    env: { PLUMB_ITSM_URL: itsm.url, PLUMB_ITSM_SECRET: SECRET, PLUMB_SLACK_URL: slack.url },
  });
  return { monitor, log, registry, stateDir };
}

const itsmBodies = () => itsm.deliveries.map((d) => d.body as Record<string, any>);

describe('the controller monitor: probes → incidents → ITSM and Slack', () => {
  it('opens one ticket naming the business services hit, stays quiet while it lasts, updates when due, resolves on recovery', async () => {
    itsm.deliveries.length = 0;
    slack.deliveries.length = 0;
    const desired = await desiredOf();
    const clock = { minute: 0 };
    const { monitor, registry, log } = monitorAt(clock);

    await monitor.round(roundOf(desired)); // up: nothing to say
    await api.stop();
    for (const minute of [1, 2, 3, 30]) {
      clock.minute = minute;
      await monitor.round(roundOf(desired));
    }
    clock.minute = 61; // updateEvery: 1h since the open
    await monitor.round(roundOf(desired));
    await api.start();
    clock.minute = 62;
    await monitor.round(roundOf(desired));
    await waitFor(() => itsm.deliveries.length === 3 && slack.deliveries.length === 3, 5000, 'deliveries');

    const services = [
      { id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' },
      { id: 'businessservice:shop/partners', criticality: 'medium', state: 'degraded' },
    ];
    const ci = { id: 'endpoint:shop/api-public', kind: 'Endpoint', name: 'api-public', namespace: 'shop' };
    const risk = { score: 73, level: 'high' };
    const open = { kind: 'down', detail: 'connection refused', severity: 'major', since: at(1).toISOString() };
    const common = {
      schemaVersion: 2,
      dedupeKey: KEY,
      ci,
      failure: 'down',
      reason: 'connection refused',
      severity: 'major',
      cause: [{ ...ci, conditions: [open] }],
      alternatives: [],
      symptoms: [],
      related: [],
      businessServices: services,
      risk,
      firstSeen: at(1).toISOString(),
      reopened: 0,
    };
    expect(itsmBodies()).toEqual([
      {
        ...common,
        action: 'open',
        summary: 'endpoint:shop/api-public is down (connection refused) — hits 2 business services, risk high (73)',
        lastSeen: at(1).toISOString(),
        revision: 1,
      },
      {
        ...common,
        action: 'update',
        summary: 'endpoint:shop/api-public is down (connection refused) — hits 2 business services, risk high (73)',
        lastSeen: at(61).toISOString(),
        revision: 2,
      },
      {
        ...common,
        action: 'resolve',
        summary: 'endpoint:shop/api-public recovered after 1h 1m',
        lastSeen: at(61).toISOString(),
        resolvedAt: at(62).toISOString(),
        resolution: 'recovered',
        revision: 3,
      },
    ]);
    expect({ keys: itsm.deliveries.map((d) => d.key), signed: itsm.deliveries.every((d) => d.signed) }).toEqual({
      keys: [`${KEY}:1`, `${KEY}:2`, `${KEY}:3`],
      signed: true,
    });
    // Slack hears of the incident too, in order
    expect(slack.deliveries.map((d) => (d.body as { text: string }).text)).toEqual([
      expect.stringMatching(/^:red_circle: endpoint:shop\/api-public is down \(connection refused\)/),
      expect.stringMatching(/^:large_orange_circle: endpoint:shop\/api-public is down/),
      ':large_green_circle: endpoint:shop/api-public recovered after 1h 1m',
    ]);
    await monitor.stop();

    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^plumb_incidents_open 0$/m);
    expect(metrics).toMatch(/^plumb_incidents_open_by_criticality\{criticality="critical"\} 0$/m);
    expect(metrics).toMatch(/^plumb_notifications_delivered_total\{destination="itsm"\} 3$/m);
    expect(metrics).toMatch(/^plumb_endpoints_probed 1$/m);
    expect(log.text()).not.toContain(SECRET);
    expect(log.text()).not.toContain('token-abc123');
  });

  it('while the receiver is down the tickets wait in the outbox and arrive later, once each — also across a restart', async () => {
    itsm.deliveries.length = 0;
    slack.deliveries.length = 0;
    const desired = await desiredOf();
    const clock = { minute: 0 };
    const first = monitorAt(clock);
    itsm.status = 503;
    await api.stop();
    clock.minute = 1;
    await first.monitor.round(roundOf(desired)); // open, not accepted
    await api.start();
    clock.minute = 2;
    await first.monitor.round(roundOf(desired)); // resolve, queued behind the open
    await waitFor(() => first.log.records().some((r) => /not delivered \(receiver answered 503\); retrying/.test(r.msg)), 5000, 'a failed attempt');
    await first.monitor.stop(); // the controller restarts while the receiver is still down
    expect(itsm.deliveries).toEqual([]);

    const second = new Monitor({
      logger: capturedLogger().logger,
      registry: new Registry(),
      stateDir: first.stateDir,
      now: () => at(clock.minute),
      env: { PLUMB_ITSM_URL: itsm.url, PLUMB_ITSM_SECRET: SECRET, PLUMB_SLACK_URL: slack.url },
    });
    itsm.status = 200;
    clock.minute = 3;
    await second.round(roundOf(desired)); // still up: nothing new; the outbox delivers what the first one left
    await waitFor(() => itsm.deliveries.length === 2, 10_000, 'the queued tickets');
    await second.stop();
    expect({ keys: itsm.deliveries.map((d) => d.key), actions: itsmBodies().map((b) => b.action), duplicates: itsm.duplicates() }).toEqual({
      keys: [`${KEY}:1`, `${KEY}:2`],
      actions: ['open', 'resolve'],
      duplicates: [],
    });
  });

  it('a round aborted while probing (the controller is stopping) is no outage', async () => {
    itsm.deliveries.length = 0;
    const desired = await desiredOf();
    const { monitor, stateDir } = monitorAt({ minute: 0 });
    const abort = new AbortController();
    abort.abort(new Error('controller stopping'));
    await monitor.round(roundOf(desired, { signal: abort.signal }));
    await monitor.stop();
    expect({ delivered: itsm.deliveries, state: existsSync(join(stateDir, 'incidents.json')) }).toEqual({ delivered: [], state: false });
  });

  it('a revision whose notifications section is broken is refused as invalid, at its line, without quoting the secret', async () => {
    // plumb.yaml's notifications are checked when the revision loads, so the
    // controller keeps the last good revision (and its destinations) and never
    // runs a round with half-broken settings
    const dir = incidentShop(api.port, {
      'plumb.yaml': `targets:\n  recorded: {provider: snapshot, path: observed/snapshot.yaml, select: {kinds: [Application]}}\n  probes: {provider: endpoint}\ndefaultTarget: recorded\nnotifications:\n  itsm:\n    url: http://127.0.0.1:${itsm.port}/other\n    secret: ${SECRET}\n`,
    });
    dirs.push(dir);
    const { desired, diagnostics } = await loadDesiredState({ revision: 'r2', dir });
    expect(desired).toBeUndefined();
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, `${d.file}:${d.line}:${d.column}`])).toEqual([
      ['config.inline-secret', 'plumb.yaml:8:13'],
    ]);
    expect(JSON.stringify(diagnostics)).not.toContain(SECRET);
  });
});
