import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IncidentPayloadV2 } from '../../engine/incidents/types.js';
import { loadDesiredState, type DesiredState } from '../../engine/reconcile/desired-state.js';
import { Monitor } from '../../engine/reconcile/monitoring/monitor.js';
import type { ReconcileRound } from '../../engine/reconcile/reconciler.js';
import { Receiver, waitFor } from '../engine/notify/receiver.js';
import { capturedLogger } from '../engine/reconcile/monitor-fixture.js';
import { runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, type ControlPlaneInfo } from './control-plane.js';
import { startFakeRollout } from './fake-rollout.js';

type Obj = Record<string, any>;

/** A listener on 127.0.0.1 (HTTP or bare TCP) that the test turns off and on, on the same port. */
class Listener {
  private server: Server | TcpServer | undefined;
  port = 0;
  constructor(private readonly kind: 'http' | 'tcp') {}
  async start(): Promise<void> {
    this.server = this.kind === 'http' ? createServer((_q, r) => r.end('ok')) : createTcpServer((s) => s.end());
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

/**
 * Stands in for the kubelet and the Deployment controller: a Deployment is
 * available unless `down` names it, or its ConfigMap (envFrom) says
 * `MODE: broken` — so a bad config change takes the workload down and its
 * restore brings it back, as on a real cluster.
 */
function fakeKubelet(c: ControlPlaneInfo, down: Set<string>): () => Promise<void> {
  return startFakeRollout(c, {
    intervalMs: 100,
    namespaces: ['sc-shop'],
    podsUp: async (d) => {
      if (down.has(d.metadata.name)) return false;
      for (const e of d.spec.template.spec.containers.flatMap((x: Obj) => x.envFrom ?? [])) {
        if (!e.configMapRef) continue;
        const cm = await apiCall(c, c.adminToken, 'GET', `/api/v1/namespaces/${d.metadata.namespace}/configmaps/${e.configMapRef.name}`);
        if (cm.body?.data?.MODE === 'broken') return false;
      }
      return true;
    },
  });
}

const deployment = (name: string, extra: Obj = {}, configMap?: string): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'sc-shop', ...extra },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name: 'main', image: `registry.example.com/${name}:1.0.0`, ...(configMap ? { envFrom: [{ configMapRef: { name: configMap } }] } : {}) }],
      },
    },
  },
});

const yamlDocs = (docs: Obj[]) => docs.map((d) => JSON.stringify(d)).join('\n---\n') + '\n';

describeCluster('incidents that know their cause and the change behind them (real API server, real listeners on 127.0.0.1)', (cluster) => {
  let c: ControlPlaneInfo;
  let repo: string;
  let stateDir: string;
  const itsm = new Receiver('scenario-secret');
  const web = { api: new Listener('http'), www: new Listener('http'), admin: new Listener('http') };
  const db = { a: new Listener('tcp'), b: new Listener('tcp'), orders: new Listener('http') };
  const down = new Set<string>();
  let stopKubelet: () => Promise<void>;
  // the monitor's clock, moved by the test; it starts at the real time, which the audit log of the real applies uses
  const clock = { ms: Date.now() };
  let monitor: Monitor;
  let registry: Registry;
  const log = capturedLogger();
  const plumb = (...args: string[]) => runCli([...args, '--repo', repo, '--kubeconfig', c.kubeconfig]);

  beforeAll(async () => {
    c = cluster();
    await Promise.all([...Object.values(web), ...Object.values(db), itsm].map((l) => l.start()));
    repo = mkdtempSync(join(tmpdir(), 'plumb-incidents-scenario-'));
    stateDir = mkdtempSync(join(tmpdir(), 'plumb-incidents-state-'));
    mkdirSync(join(repo, 'inventory'), { recursive: true });
    writeFileSync(
      join(repo, 'plumb.yaml'),
      [
        'targets:',
        '  k8s: {provider: kubernetes, select: {kinds: [Namespace, Deployment, ConfigMap]}}',
        'defaultTarget: k8s',
        'backup: {store: dir, path: .plumb/backups}',
        'notifications:',
        '  itsm: {urlEnv: ITSM_URL, secretEnv: ITSM_SECRET, timeout: 2s}',
        '  retry: {base: 100ms, max: 500ms}',
        '  correlation: {window: 30s, flapWindow: 10m, changeLookback: 1h}',
        '',
      ].join('\n'),
    );
    const ep = (name: string, url: string, relations: Obj[]) => ({
      apiVersion: 'plumb.io/v1',
      kind: 'Endpoint',
      metadata: { name, namespace: 'sc-shop' },
      spec: { url, timeoutMs: 1000 },
      source: { provider: 'endpoint' },
      relations,
    });
    writeFileSync(
      join(repo, 'inventory', 'estate.yaml'),
      yamlDocs([
        { apiVersion: 'plumb.io/v1', kind: 'Host', metadata: { name: 'web-01', namespace: 'sc-shop' } },
        ep('api', `http://127.0.0.1:${web.api.port}/healthz`, [{ type: 'hostedOn', target: 'host:web-01' }]),
        ep('www', `http://127.0.0.1:${web.www.port}/`, [{ type: 'hostedOn', target: 'host:web-01' }]),
        ep('admin', `http://127.0.0.1:${web.admin.port}/`, [{ type: 'hostedOn', target: 'host:web-01' }]),
        {
          apiVersion: 'plumb.io/v1',
          kind: 'BusinessService',
          metadata: { name: 'webshop', namespace: 'sc-shop' },
          spec: { criticality: 'critical' },
          relations: [
            { type: 'dependsOn', target: 'endpoint:www' },
            { type: 'dependsOn', target: 'endpoint:api' },
          ],
        },
        {
          apiVersion: 'plumb.io/v1',
          kind: 'BusinessService',
          metadata: { name: 'backoffice', namespace: 'sc-shop' },
          spec: { criticality: 'low' },
          relations: [{ type: 'dependsOn', target: 'endpoint:admin' }],
        },
        // the orders database behind a redundancy group of two replicas, each probed on its port
        ep('orders-db-a', `tcp://127.0.0.1:${db.a.port}`, [{ type: 'alternativeTo', target: 'endpoint:orders-db-b' }]),
        ep('orders-db-b', `tcp://127.0.0.1:${db.b.port}`, []),
        {
          apiVersion: 'plumb.io/v1',
          kind: 'Database',
          metadata: { name: 'orders', namespace: 'sc-shop' },
          spec: { engine: 'postgres' },
          relations: [
            { type: 'dependsOn', target: 'endpoint:orders-db-a' },
            { type: 'dependsOn', target: 'endpoint:orders-db-b' },
          ],
        },
        ep('orders-api', `http://127.0.0.1:${db.orders.port}/`, [{ type: 'dependsOn', target: 'database:orders' }]),
        {
          apiVersion: 'plumb.io/v1',
          kind: 'BusinessService',
          metadata: { name: 'ordering', namespace: 'sc-shop' },
          spec: { criticality: 'high' },
          relations: [{ type: 'dependsOn', target: 'endpoint:orders-api' }],
        },
      ]),
    );
    writeFileSync(
      join(repo, 'inventory', 'k8s.yaml'),
      yamlDocs([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sc-shop' } },
        deployment('storefront', { annotations: { 'plumb.io/relations': '[{type: hostedOn, target: "host:sc-shop/web-01"}]' } }),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'checkout-config', namespace: 'sc-shop' }, data: { MODE: 'normal' } },
        deployment('checkout', {}, 'checkout-config'),
      ]),
    );
    writeFileSync(
      join(repo, 'inventory', 'payments.yaml'),
      yamlDocs([
        {
          apiVersion: 'plumb.io/v1',
          kind: 'BusinessService',
          metadata: { name: 'payments', namespace: 'sc-shop' },
          spec: { criticality: 'critical' },
          relations: [{ type: 'dependsOn', target: 'deployment:checkout' }],
        },
      ]),
    );
    stopKubelet = fakeKubelet(c, down);
    const applied = await plumb('apply', '--auto-approve');
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    registry = new Registry();
    monitor = new Monitor({
      logger: log.logger,
      registry,
      stateDir,
      now: () => new Date(clock.ms),
      cliSettings: { kubeconfig: c.kubeconfig },
      env: { ITSM_URL: itsm.url, ITSM_SECRET: 'scenario-secret' },
    });
  }, 120_000);
  afterAll(async () => {
    await monitor?.stop();
    await stopKubelet?.();
    await Promise.all([...Object.values(web), ...Object.values(db), itsm].map((l) => l.stop()));
    rmSync(repo, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  let revision = 0;
  const desired = async (): Promise<DesiredState> => {
    const loaded = await loadDesiredState({ revision: `r${++revision}`, dir: repo });
    if (!loaded.desired) throw new Error(JSON.stringify(loaded.diagnostics));
    return loaded.desired;
  };
  /** One monitoring round `seconds` after the last. */
  const round = async (seconds: number): Promise<void> => {
    clock.ms += seconds * 1000;
    const r: ReconcileRound = {
      trigger: 'interval',
      outcome: { result: 'succeeded' },
      status: { source: 'test', identity: 'test', conditions: [] },
      desired: await desired(),
      signal: new AbortController().signal,
    };
    await monitor.round(r);
  };
  const deploymentAvailable = async (name: string, want: number) =>
    waitFor(() => false, 0)
      .catch(() => undefined)
      .then(async () => {
        for (let i = 0; i < 100; i++) {
          const d = await apiCall(c, c.adminToken, 'GET', `/apis/apps/v1/namespaces/sc-shop/deployments/${name}`);
          if ((d.body?.status?.availableReplicas ?? 0) === want) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`deployment ${name} never had ${want} available`);
      });
  const tickets = () => itsm.deliveries.map((d) => d.body as IncidentPayloadV2);
  const delivered = (n: number) =>
    waitFor(() => itsm.deliveries.length === n, 10_000, `${n} ITSM deliveries`).catch((e: Error) => {
      throw new Error(
        `${e.message}; got ${JSON.stringify(tickets().map((t) => [t.action, t.summary]))}; monitor log:\n${log.text().split('\n').slice(-15).join('\n')}`,
      );
    });

  it('a host whose three endpoints and hosted workload fail: one incident, the host the cause, four symptoms, the services named; recovery resolves it once', async () => {
    await round(0); // all up: nothing
    expect(itsm.deliveries).toEqual([]);

    await Promise.all(Object.values(web).map((l) => l.stop()));
    down.add('storefront');
    await deploymentAvailable('storefront', 0);
    await round(10); // seen, but within the 30 s window: nothing yet
    expect(itsm.deliveries).toEqual([]);
    await round(30);
    await delivered(1);
    const [open] = tickets();
    expect({
      action: open.action,
      cause: open.cause.map((x) => x.id),
      reason: open.reason,
      symptoms: open.symptoms.map((s) => [s.ci.id, s.conditions.map((x) => x.kind).join(), s.path.map((p) => p.via ?? p.ci).join(' ')]),
      services: open.businessServices,
    }).toEqual({
      action: 'open',
      cause: ['host:sc-shop/web-01'],
      reason: 'inferred: explains 4 failing CIs',
      symptoms: [
        ['deployment:sc-shop/storefront', 'unavailable', 'host:sc-shop/web-01 hostedOn'],
        ['endpoint:sc-shop/admin', 'down', 'host:sc-shop/web-01 hostedOn'],
        ['endpoint:sc-shop/api', 'down', 'host:sc-shop/web-01 hostedOn'],
        ['endpoint:sc-shop/www', 'down', 'host:sc-shop/web-01 hostedOn'],
      ],
      services: [
        { id: 'businessservice:sc-shop/backoffice', criticality: 'low', state: 'down' },
        { id: 'businessservice:sc-shop/webshop', criticality: 'critical', state: 'down' },
      ],
    });
    expect(open.symptoms[0].conditions[0]).toMatchObject({ detail: '0/2 replicas available', severity: 'critical' });
    expect(await registry.metrics()).toMatch(/^plumb_incidents_open_by_criticality\{criticality="critical"\} 1$/m);
    const listed = await plumb('incidents', '--state-dir', stateDir);
    expect(listed.stdout).toContain('OPEN     host:sc-shop/web-01 is down (inferred)');
    expect(listed.stdout).toContain('endpoint:sc-shop/api  connection refused  ← hostedOn host:sc-shop/web-01');

    await round(60); // still down, nothing new: quiet
    await Promise.all(Object.values(web).map((l) => l.start()));
    down.delete('storefront');
    await deploymentAvailable('storefront', 2);
    await round(60);
    await round(60);
    await delivered(2);
    expect(tickets().map((t) => [t.action, t.dedupeKey === open.dedupeKey, t.revision, t.resolution])).toEqual([
      ['open', true, 1, undefined],
      ['resolve', true, 2, 'recovered'],
    ]);
    expect(itsm.duplicates()).toEqual([]);
  }, 60_000);

  it('one replica of a redundant database down: no incident for what depends on it (at-risk only); both down: one incident', async () => {
    itsm.deliveries.length = 0;
    await db.a.stop();
    await round(60);
    await round(31);
    await delivered(1);
    const [one] = tickets();
    expect({ cause: one.cause.map((x) => x.id), symptoms: one.symptoms.length, services: one.businessServices }).toEqual({
      cause: ['endpoint:sc-shop/orders-db-a'],
      symptoms: 0,
      services: [{ id: 'businessservice:sc-shop/ordering', criticality: 'high', state: 'at-risk' }],
    });
    await Promise.all([db.b.stop(), db.orders.stop()]);
    await round(60);
    await round(31);
    await delivered(2);
    const both = tickets()[1];
    expect({
      action: both.action,
      same: both.dedupeKey === one.dedupeKey,
      cause: both.cause.map((x) => x.id),
      symptoms: both.symptoms.map((s) => s.ci.id),
      services: both.businessServices,
    }).toEqual({
      action: 'update',
      same: true,
      cause: ['endpoint:sc-shop/orders-db-a', 'endpoint:sc-shop/orders-db-b'],
      symptoms: ['endpoint:sc-shop/orders-api'],
      services: [{ id: 'businessservice:sc-shop/ordering', criticality: 'high', state: 'down' }],
    });
    await Promise.all([db.a.start(), db.b.start(), db.orders.start()]);
    await round(60);
    await delivered(3);
    expect(tickets().map((t) => t.action)).toEqual(['open', 'update', 'resolve']);
  }, 60_000);

  it('an apply that breaks a ConfigMap, then the workload unavailable: the incident names the run, the change and the restore; running that restore resolves it', async () => {
    itsm.deliveries.length = 0;
    const file = join(repo, 'inventory', 'k8s.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"MODE":"normal"', '"MODE":"broken"'));
    const applied = await plumb('apply', '--auto-approve', '-o', 'json');
    // the ConfigMap itself applies fine; the workload that reads it fails afterwards
    expect(applied.code, applied.stderr).toBe(0);
    const run = JSON.parse(applied.stdout).run as string;
    await deploymentAvailable('checkout', 0);
    await round(60);
    await round(31);
    await delivered(1);
    const [open] = tickets();
    expect({
      cause: open.cause.map((x) => x.id),
      change: open.change && { run: open.change.run, changes: open.change.changes.map((x) => `${x.action} ${x.id}`) },
    }).toEqual({
      cause: ['deployment:sc-shop/checkout'],
      change: { run, changes: ['update configmap:sc-shop/checkout-config'] },
    });
    expect(open.change!.restore).toMatch(/^plumb restore \S+ configmap:sc-shop\/checkout-config$/);
    const listed = await plumb('incidents', '--state-dir', stateDir, '--open');
    expect(listed.stdout).toContain(`to undo: ${open.change!.restore}`);

    // the operator runs exactly what the ticket says
    const restored = await plumb(...open.change!.restore!.split(' ').slice(1), '--auto-approve');
    expect(restored.code, restored.stderr + restored.stdout).toBe(0);
    await deploymentAvailable('checkout', 2);
    await round(60);
    await delivered(2);
    expect(tickets().map((t) => [t.action, t.dedupeKey === open.dedupeKey])).toEqual([
      ['open', true],
      ['resolve', true],
    ]);
    expect(itsm.duplicates()).toEqual([]);
  }, 90_000);

  it('with an autoRestore policy in plumb.yaml, the controller restores the likely change by itself, and the incident resolves', async () => {
    itsm.deliveries.length = 0;
    const config = join(repo, 'plumb.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('changeLookback: 1h}', 'changeLookback: 1h, autoRestore: {criticalities: [critical]}}'));
    // the repository still says MODE: broken, the cluster was restored to normal: apply breaks it again
    const applied = await plumb('apply', '--auto-approve', '-o', 'json');
    expect(applied.code, applied.stderr).toBe(0);
    const run = JSON.parse(applied.stdout).run as string;
    await deploymentAvailable('checkout', 0);
    await round(60);
    await round(31); // opens, names the change, and restores it (critical payments service down)
    await delivered(1);
    expect(tickets()[0]).toMatchObject({ action: 'open', cause: [{ id: 'deployment:sc-shop/checkout' }], change: { run } });
    expect(log.text()).toMatch(/auto-restore succeeded: 1 of 1 restored from backup/);
    const cm = await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/sc-shop/configmaps/checkout-config');
    expect(cm.body.data.MODE).toBe('normal');
    await deploymentAvailable('checkout', 2);
    await round(60);
    await delivered(2);
    expect(tickets().map((t) => t.action)).toEqual(['open', 'resolve']);
    // the audit log has the restore, so the change is not offered (or restored) again
    const audit = readFileSync(join(repo, '.plumb', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit.filter((r) => r.event === 'restore.finished').length).toBe(2); // the operator's, then the policy's
  }, 90_000);
});
