import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupeKeyOf } from '../../engine/incidents/dedupe-key.js';
import { Receiver } from '../engine/notify/receiver.js';
import { ApiServer, incidentShop } from '../engine/reconcile/monitor-fixture.js';
import { httpGet, spawnController, waitFor, type ControllerProcess } from './controller-process.js';

const SECRET = 'itsm-secret-do-not-log-2b7c';
const KEY = dedupeKeyOf('endpoint:shop/api-public', 'down');

/**
 * A kubeconfig whose API server refuses connections: this test needs no
 * cluster (the snapshot provider stands in for the actual state, and
 * `--no-leader-elect` runs a single replica without a Lease), so the status
 * ConfigMap and Events fail fast and are logged as warnings.
 */
const NO_CLUSTER = `apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: none, user: {token: unused}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
`;

const api = new ApiServer();
const itsm = new Receiver(SECRET);
const slack = new Receiver();
const cleanups: (() => unknown)[] = [];
beforeAll(async () => {
  await Promise.all([api.start(), itsm.start(), slack.start()]);
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await Promise.all([api.stop(), itsm.stop(), slack.stop()]);
});

function startController(): ControllerProcess {
  const repo = incidentShop(api.port);
  const work = mkdtempSync(join(tmpdir(), 'plumb-incidents-ctl-'));
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, NO_CLUSTER);
  const p = spawnController(
    [
      '--repo',
      repo,
      '--no-leader-elect',
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      'plumb-system',
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '1s',
      '--state-dir',
      join(work, 'state'),
    ],
    { PLUMB_ITSM_URL: itsm.url, PLUMB_ITSM_SECRET: SECRET, PLUMB_SLACK_URL: slack.url },
  );
  cleanups.push(() => {
    p.child.kill('SIGKILL');
    rmSync(repo, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });
  return p;
}

describe('plumb controller: monitoring and incident tickets', () => {
  it('probe fails → one ticket with the business services; stays down → no new ticket; receiver down meanwhile → retried; recovers → resolved; nothing lost, no duplicates', async () => {
    const ctl = startController();
    const base = await ctl.base();
    const rounds = () => ctl.logs().filter((l) => l.msg === 'reconciled').length;
    const afterRounds = async (n: number, what: string) => {
      const target = rounds() + n;
      await waitFor(() => rounds() >= target, { timeoutMs: 30_000, what });
    };
    await waitFor(async () => (await httpGet(`${base}/readyz`)).status === 200, { what: '/readyz' });
    await afterRounds(2, 'two rounds with the api up');
    expect(itsm.deliveries).toEqual([]);

    // the api goes down: exactly one open, naming the business services hit with their criticality
    await api.stop();
    await waitFor(() => itsm.deliveries.length >= 1, { timeoutMs: 20_000, what: 'the open ticket' });
    // the ITSM system goes down too, and the api stays down for several rounds
    await itsm.stop();
    await afterRounds(3, 'rounds while down');
    // the api recovers while the ITSM system is still down: the resolve waits in the outbox
    await api.start();
    await waitFor(() => ctl.logs().some((l) => l.msg?.startsWith('incident resolve:')), { timeoutMs: 20_000, what: 'the resolve' });
    await waitFor(() => ctl.logs().some((l) => l.msg?.startsWith('notification not delivered')), { timeoutMs: 20_000, what: 'a failed delivery' });
    await itsm.start();
    await waitFor(() => itsm.deliveries.length >= 2, { timeoutMs: 20_000, what: 'the resolve delivered' });
    await afterRounds(2, 'rounds after recovery');

    const bodies = itsm.deliveries.map((d) => d.body as Record<string, any>);
    // a probe caught while the api was closing sees `connection reset`, the next `connection refused`:
    // a new detail is news (docs/incidents.md), so such a race adds one update to the same ticket
    const updates = bodies.filter((b) => b.action === 'update');
    expect(updates.length).toBeLessThanOrEqual(1);
    expect(updates.map((b) => [b.ci.id, b.failure, b.dedupeKey])).toEqual(updates.map(() => ['endpoint:shop/api-public', 'down', KEY]));
    const delivered = bodies.length;
    expect(
      bodies
        .filter((b) => b.action !== 'update')
        .map((b) => ({
          action: b.action,
          ci: b.ci.id,
          failure: b.failure,
          reason: b.reason,
          businessServices: b.businessServices,
          risk: b.risk,
          revision: b.revision,
        })),
    ).toEqual([
      {
        action: 'open',
        ci: 'endpoint:shop/api-public',
        failure: 'down',
        reason: expect.stringMatching(/^connection (refused|reset)$/),
        risk: { score: 73, level: 'high' },
        revision: 1,
        businessServices: [
          { id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' },
          { id: 'businessservice:shop/partners', criticality: 'medium', state: 'degraded' },
        ],
      },
      {
        action: 'resolve',
        ci: 'endpoint:shop/api-public',
        failure: 'down',
        reason: 'connection refused',
        risk: { score: 73, level: 'high' },
        revision: delivered,
        businessServices: [
          { id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' },
          { id: 'businessservice:shop/partners', criticality: 'medium', state: 'degraded' },
        ],
      },
    ]);
    expect({
      keys: itsm.deliveries.map((d) => d.key),
      duplicates: itsm.duplicates(),
      signed: itsm.deliveries.every((d) => d.signed),
      dedupe: new Set(bodies.map((b) => b.dedupeKey)),
    }).toEqual({ keys: bodies.map((_, i) => `${KEY}:${i + 1}`), duplicates: [], signed: true, dedupe: new Set([KEY]) });

    // Slack: the drift once (however many rounds saw it), the incident opened and resolved
    expect(slack.deliveries.map((d) => (d.body as { text: string }).text.split(' (')[0])).toEqual([
      ':warning: drift: 1 CI differs from Git',
      ':red_circle: endpoint:shop/api-public is down',
      expect.stringMatching(/^:large_green_circle: endpoint:shop\/api-public recovered after \d/),
    ]);
    expect(slack.duplicates()).toEqual([]);

    const metrics = (await httpGet(`${base}/metrics`)).text;
    for (const line of [
      /^plumb_incidents_open 0$/m,
      /^plumb_endpoints_probed 1$/m,
      /^plumb_endpoints_down 0$/m,
      new RegExp(`^plumb_notifications_delivered_total\\{destination="itsm"\\} ${delivered}$`, 'm'),
      /^plumb_notifications_delivered_total\{destination="slack"\} 3$/m,
      /^plumb_notifications_failed_total\{destination="itsm",outcome="retry"\} [1-9]/m,
      /^plumb_notifications_pending 0$/m,
    ])
      expect(metrics).toMatch(line);

    ctl.child.kill('SIGTERM');
    expect(await ctl.exited()).toBe(0);
    const output = ctl.output();
    for (const secret of [SECRET, 'token-abc123']) expect(output).not.toContain(secret);
    expect(ctl.logs().filter((l) => 'raw' in l)).toEqual([]);
  }, 120_000);
});
