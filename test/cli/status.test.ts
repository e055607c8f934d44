import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_STATUS_BYTES, readControllerStatus } from '../../engine/reconcile/read-status.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerServer } from '../../engine/reconcile/controller-server.js';
import type { ControllerStatus } from '../../engine/reconcile/status.js';
import { NEW, REV, STATUS } from '../helpers/controller-status.js';
import { statusVerdict } from '../../engine/reconcile/status.js';
import { freePort } from '../cluster/control-plane.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { Registry } from 'prom-client';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(readFileSync(`${PROJECT_ROOT}schemas/controller-status.schema.json`, 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validStatus = ajv.compile(schema);

describe('plumb status --endpoint: the controller HTTP server on 127.0.0.1', () => {
  let server: Awaited<ReturnType<typeof startControllerServer>>;
  let current: unknown = { ...STATUS, leader: true };
  beforeAll(async () => {
    server = await startControllerServer({
      listen: '127.0.0.1:0',
      registry: new Registry(),
      healthy: () => true,
      ready: () => true,
      status: () => current,
      onWebhook: () => {},
    });
  });
  afterAll(() => server.close());

  it('the status fixture is what the schema describes', () => {
    expect(validStatus(STATUS), JSON.stringify(validStatus.errors)).toBe(true);
  });

  it('-o json: what /status served, where it was read, sync and health', async () => {
    const r = await runCli(['status', '--endpoint', `http://${server.address}`, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      from: `http://${server.address}/status`,
      sync: 'OutOfSync',
      health: 'Degraded',
      status: { ...STATUS, leader: true },
    });
  });

  it('text: argocd app get’s fields, the conditions and the open incidents', async () => {
    const r = await runCli(['status', '--endpoint', `http://${server.address}/`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Source:            https://git.example.com/infra.git#main',
        `Read from:         http://${server.address}/status`,
        'Identity:          plumb-controller-7d9f-x2 (leader)',
        'Sync Status:       OutOfSync',
        'Health Status:     Degraded',
        'Revision:          ffeeddccbbaa (newest fetched)',
        'Last applied:      a1b2c3d4e5f6',
        'Last reconcile:    2026-11-30T16:00:05.000Z',
        'Refused revision:  ffeeddccbbaa PolicyDenied: no-red on configmap:shop/colors: red is not allowed',
        'Plan:              0 to create, 1 to update, 0 to delete; 1 applied, 0 held, 1 drifted (revision a1b2c3d4e5f6, plan 0123456789ab)',
        'Last apply:        succeeded run 20261130T160004Z-9a1b2c at 2026-11-30T16:00:04.500Z',
        'Open incidents:    1',
        '',
        'CONDITION    STATUS  REASON                   LAST TRANSITION           MESSAGE',
        'Ready        False   PolicyDenied             2026-11-30T16:00:05.000Z  revision ffeeddccbbaa was refused',
        'Reconciling  False   ReconciliationSucceeded  2026-11-30T15:59:00.000Z',
        'Stalled      True    PolicyDenied             2026-11-30T16:00:05.000Z  fix the change in Git',
        '',
        'SEVERITY  CAUSE                SYMPTOMS  SERVICES                       SINCE                     UNDO',
        'critical  host:shop/db-host-1  3         businessservice:shop/checkout  2026-11-30T15:58:00.000Z  plumb restore 20261130T155500Z-0a0b0c configmap:shop/colors',
        '',
      ].join('\n'),
    );
  });

  it('a healthy, synced controller says so', async () => {
    current = {
      ...STATUS,
      revision: REV,
      refusedRevision: undefined,
      incidents: { open: 0, items: [] },
      conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'reconciled', lastTransitionTime: '2026-11-30T16:00:05.000Z' }],
    };
    const r = await runCli(['status', '--endpoint', `http://${server.address}`, '-o', 'json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ sync: 'Synced', health: 'Healthy' });
  });

  it('nothing listening: status.unreachable with a hint, exit 1', async () => {
    const port = await freePort();
    const r = await runCli(['status', '--endpoint', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: cannot reach the controller at http://127.0.0.1:${port}/status: ECONNREFUSED`);
    expect(r.stderr).toContain('hint: is the controller running');
    expect(r.stdout).toBe('');
  });
});

describe('readControllerStatus against hostile /status endpoints: bounded memory and time, a clear error', () => {
  const servers: Server[] = [];
  const serve = async (handler: (res: ServerResponse) => void) => {
    const server = createServer((_req, res) => handler(res));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  afterAll(() => {
    for (const s of servers) s.closeAllConnections();
    for (const s of servers) s.close();
  });

  it('an answer that never ends is cut at MAX_STATUS_BYTES, not read whole', async () => {
    let sent = 0;
    const endpoint = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 16, 'a');
      const pump = () => {
        while (sent < 64 * MAX_STATUS_BYTES && res.write(chunk)) sent += chunk.length;
      };
      res.on('drain', pump);
      pump();
    });
    await expect(readControllerStatus({ endpoint, timeoutMs: 30_000 })).rejects.toMatchObject({
      code: 'status.bad-response',
      message: `${endpoint}/status answered more than 4 MiB, not a controller's status`,
    });
    expect(sent).toBeLessThan(8 * MAX_STATUS_BYTES);
  });

  it('an answer that stops half-way is status.unreachable within the timeout, not an internal error', async () => {
    const endpoint = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"source": ');
    });
    await expect(readControllerStatus({ endpoint, timeoutMs: 500 })).rejects.toMatchObject({
      code: 'status.unreachable',
      message: `${endpoint}/status did not finish its answer within 0.5 s`,
    });
  });
});

describe('statusVerdict: Argo CD’s sync and health from a status', () => {
  const ready = (status: 'True' | 'False') => ({ type: 'Ready' as const, status, reason: 'x', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' });
  const base: ControllerStatus = { ...STATUS, revision: REV, refusedRevision: undefined, incidents: { open: 0, items: [] }, conditions: [ready('True')] };
  it.each<[string, ControllerStatus, ReturnType<typeof statusVerdict>]>([
    ['nothing reconciled yet', { source: 's', identity: 'i', conditions: [] }, { sync: 'Unknown', health: 'Unknown' }],
    ['applied and ready', base, { sync: 'Synced', health: 'Healthy' }],
    [
      'a held change',
      { ...base, plan: { ...base.plan!, held: [{ id: 'configmap:a/b', action: 'update', reason: 'manual' }] } },
      { sync: 'OutOfSync', health: 'Healthy' },
    ],
    ['a newer revision not applied yet', { ...base, revision: NEW }, { sync: 'OutOfSync', health: 'Healthy' }],
    ['an open incident', { ...base, incidents: STATUS.incidents }, { sync: 'Synced', health: 'Degraded' }],
    ['the last reconcile failed', { ...base, conditions: [ready('False')] }, { sync: 'Synced', health: 'Degraded' }],
    [
      'a reconcile running',
      {
        ...base,
        conditions: [ready('True'), { type: 'Reconciling', status: 'True', reason: 'Progressing', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      },
      { sync: 'Synced', health: 'Progressing' },
    ],
  ])('%s', (_name, status, verdict) => {
    expect(statusVerdict(status)).toEqual(verdict);
  });
});
