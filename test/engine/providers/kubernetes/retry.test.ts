import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigFor } from '../../../helpers/kube-config-for.js';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApiError, KubeClient } from '../../../../engine/providers/kubernetes/kube-client.js';
import { isPermanentAnswer, retryDelay } from '../../../../engine/providers/kubernetes/retry.js';
import { apiDiagnostic } from '../../../../engine/providers/kubernetes/api-errors.js';
import { fieldPathPointer } from '../../../../engine/providers/kubernetes/field-path.js';
import { freePort } from '../../../cluster/control-plane.js';

/** A tiny API server on 127.0.0.1 that plays back a script of answers. */
async function scripted(answers: { status: number; headers?: Record<string, string>; body?: unknown; raw?: string }[]) {
  const seen: { at: number; auth?: string }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ at: Date.now(), auth: req.headers.authorization });
    const a = answers[Math.min(seen.length - 1, answers.length - 1)];
    res.writeHead(a.status, { 'content-type': a.raw === undefined ? 'application/json' : 'text/html', ...(a.headers ?? {}) });
    res.end(a.raw ?? JSON.stringify(a.body ?? {}));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const fast = { attempts: 4, baseMs: 5, maxMs: 20 };
let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

describe('retries against the Kubernetes API', () => {
  it('honours Retry-After on a 429 before trying again', async () => {
    const s = await scripted([
      { status: 429, headers: { 'retry-after': '1' }, body: { reason: 'TooManyRequests' } },
      { status: 200, body: { kind: 'NamespaceList', items: [] } },
    ]);
    servers.push(s.server);
    const client = new KubeClient(kubeConfigFor(s.url), fast);
    const res = await client.call({ method: 'GET', path: '/api/v1/namespaces' });
    expect(res.body.kind).toBe('NamespaceList');
    expect(s.seen.length).toBe(2);
    expect(s.seen[1].at - s.seen[0].at).toBeGreaterThanOrEqual(950);
    expect(client.stats).toEqual({ requests: 2, retries: 1 });
    client.close();
  });

  it('retries 5xx with backoff and gives up with the last answer after the attempts', async () => {
    const s = await scripted([{ status: 503, body: { reason: 'ServiceUnavailable', message: 'etcd is down' } }]);
    servers.push(s.server);
    const client = new KubeClient(kubeConfigFor(s.url), fast);
    const err = await client.call({ method: 'GET', path: '/api/v1/namespaces' }).catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect([err.status, err.reason, err.message, s.seen.length]).toEqual([503, 'ServiceUnavailable', 'etcd is down', 4]);
    client.close();
  });

  it('does not retry a final answer such as 403', async () => {
    const s = await scripted([{ status: 403, body: { reason: 'Forbidden', message: 'no' } }]);
    servers.push(s.server);
    const client = new KubeClient(kubeConfigFor(s.url), fast);
    await expect(client.call({ method: 'GET', path: '/api/v1/pods' })).rejects.toMatchObject({ status: 403 });
    expect(s.seen.length).toBe(1);
    client.close();
  });

  it('retries a refused connection, then reports it', async () => {
    const port = await freePort();
    const client = new KubeClient(kubeConfigFor(`http://127.0.0.1:${port}`), fast);
    await expect(client.call({ method: 'GET', path: '/api' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(client.stats).toEqual({ requests: 4, retries: 3 });
    client.close();
  });

  it('caps a hostile Retry-After and falls back to jittered exponential backoff without one', () => {
    const policy = { attempts: 6, baseMs: 200, maxMs: 10_000 };
    expect(retryDelay(policy, 1, '2')).toBe(2000);
    expect(retryDelay(policy, 1, '86400')).toBe(30_000);
    expect([retryDelay(policy, 1, undefined, () => 0), retryDelay(policy, 3, undefined, () => 1)]).toEqual([100, 800]);
  });
});

describe('a server that stays unreachable', () => {
  it('fails later calls at once instead of each waiting out its own retries', async () => {
    const port = await freePort();
    const client = new KubeClient(kubeConfigFor(`http://127.0.0.1:${port}`), fast);
    await expect(client.call({ method: 'GET', path: '/api' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const afterFirst = client.stats.requests;
    await expect(client.call({ method: 'GET', path: '/api/v1' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(client.call({ method: 'GET', path: '/apis' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(client.stats.requests - afterFirst).toBe(0); // no new connection attempts while it is taken as down
    client.close();
  });
});

describe('one endpoint that fails while the server answers others', () => {
  it('is that call’s failure: later calls are still sent (the server is not taken as down)', async () => {
    // a server whose /apis/metrics.k8s.io path drops the connection (a stuck aggregated API), every other path answers
    const server: Server = createServer((req, res) => {
      if (req.url?.startsWith('/apis/metrics.k8s.io')) {
        setTimeout(() => req.socket.destroy(), 30);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"kind":"APIVersions"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const client = new KubeClient(kubeConfigFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), fast);
    const stuck = client.call({ method: 'GET', path: '/apis/metrics.k8s.io/v1beta1/pods?labelSelector=x' });
    const healthy = client.call({ method: 'GET', path: '/api' });
    await expect(stuck).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET|EPIPE/) });
    await expect(healthy).resolves.toMatchObject({ status: 200 });
    const before = client.stats.requests;
    // the plan goes on: its next call is sent and answered
    await expect(client.call({ method: 'GET', path: '/api/v1' })).resolves.toMatchObject({ status: 200 });
    expect(client.stats.requests - before).toBe(1);
    client.close();
  });
});

describe('answers that say the manifest is wrong', () => {
  it('a typed-patch 500 is final: one request, a kubernetes.invalid diagnostic naming the field path', async () => {
    const message =
      'failed to create typed patch object (shop/app; /v1, Kind=ConfigMap): .data.replicas: expected string, got &value.valueUnstructured{Value:3}';
    const s = await scripted([{ status: 500, body: { kind: 'Status', status: 'Failure', reason: 'InternalError', message } }]);
    servers.push(s.server);
    const client = new KubeClient(kubeConfigFor(s.url), fast);
    const error = await client.call({ method: 'PATCH', path: '/api/v1/namespaces/shop/configmaps/app', body: {} }).catch((e: unknown) => e);
    expect(client.stats).toEqual({ requests: 1, retries: 0 });
    expect(error).toBeInstanceOf(KubeApiError);
    const d = apiDiagnostic(error, { verb: 'patch', id: 'configmap:shop/app' });
    expect(d).toMatchObject({ code: 'kubernetes.invalid', fields: ['.data.replicas'] });
    expect(d.hint).toContain('retrying will not help');
    client.close();
  });

  it("a 403 is admission's only when the API server wrote it: a proxy's page or an empty 403 is RBAC's; RBAC's escalation check is RBAC's (a hostile review)", async () => {
    const refusal = async (answer: { status: number; body?: unknown; raw?: string }) => {
      const s = await scripted([answer]);
      servers.push(s.server);
      const client = new KubeClient(kubeConfigFor(s.url), fast);
      const error = await client.call({ method: 'PATCH', path: '/api/v1/namespaces/shop/configmaps/app', body: {} }).catch((e: unknown) => e);
      client.close();
      expect(error).toBeInstanceOf(KubeApiError);
      return apiDiagnostic(error, { verb: 'patch', id: 'configmap:shop/app', namespace: 'shop' });
    };
    // an authenticating proxy or load balancer in front of the API server: no Status, so no admission ever spoke
    for (const answer of [
      { status: 403, raw: '<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center></body></html>' },
      { status: 403, raw: 'Forbidden' },
      { status: 403, raw: '' },
      { status: 403, body: { error: 'access denied by policy' } },
    ]) {
      const d = await refusal(answer);
      expect(d.code, JSON.stringify(answer)).toBe('kubernetes.forbidden');
      expect(d.hint, JSON.stringify(answer)).not.toContain('admission refused');
      expect(d.hint, JSON.stringify(answer)).toContain('grant the verb "patch"');
    }
    // a webhook's denial with a 403 and no reason (the API server passes the webhook's status on): admission's
    const webhook = await refusal({
      status: 403,
      body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 403, message: 'admission webhook "deny.example.com" denied the request: no' },
    });
    expect(webhook.hint).toContain('admission refused');
    expect(webhook.message).toContain('denied the request: no');
    // the API server's RBAC escalation check (a Role granting what the identity lacks): neither admission nor "grant patch"
    const escalation = await refusal({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message:
          'roles.rbac.authorization.k8s.io "reader" is forbidden: user "system:serviceaccount:shop:plumb" (groups=["system:serviceaccounts" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
      },
    });
    expect(escalation.hint).not.toContain('admission refused');
    expect(escalation.hint).toContain('escalate');
    expect(escalation.message).toContain('Resources:["secrets"]');
  });

  it('duplicate list-map keys are final too; an ordinary 500 is still retried', () => {
    expect(isPermanentAnswer(500, '.spec.template.spec.containers[name="main"].env: duplicate entries for key [name="A"]')).toBe(true);
    expect(isPermanentAnswer(500, 'etcdserver: request timed out')).toBe(false);
    expect(isPermanentAnswer(503, undefined)).toBe(false);
  });

  it('a conflict names the field paths as well as the manager', () => {
    const e = new KubeApiError(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas', {
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }],
    });
    const d = apiDiagnostic(e, { verb: 'patch', id: 'deployment:shop/api' });
    expect(d).toMatchObject({ code: 'kubernetes.conflict', fields: ['.spec.replicas'] });
    expect(d.message).toBe('field conflict on deployment:shop/api: fields are owned by "kubectl-edit" (.spec.replicas)');
  });

  it('a field path is placed on the node of the document it names', () => {
    const doc = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'side' },
              {
                name: 'main',
                ports: [
                  { containerPort: 80, protocol: 'TCP' },
                  { containerPort: 81, protocol: 'TCP' },
                ],
              },
            ],
          },
        },
      },
    };
    expect(fieldPathPointer(doc, '.spec.template.spec.containers[name="main"].ports[containerPort=81,protocol="TCP"]')).toBe(
      '/spec/template/spec/containers/1/ports/1',
    );
    expect(fieldPathPointer(doc, 'spec.template.spec.containers[0].image')).toBe('/spec/template/spec/containers/0');
    expect(fieldPathPointer({ metadata: { finalizers: ['a', 'b'] } }, '.metadata.finalizers[="b"]')).toBe('/metadata/finalizers/1');
  });
});

describe('an exec credential that expires under a long-lived client', () => {
  it('is resolved again after a 401: the plugin runs again and the call succeeds, as client-go does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-exec-expiry-'));
    try {
      // each run issues a new token, valid for one second
      const plugin = join(dir, 'plugin.sh');
      writeFileSync(
        plugin,
        [
          '#!/bin/sh',
          'now=$(date +%s)',
          `echo x >> "${join(dir, 'runs')}"`,
          'exp=$(date -u -d "@$((now + 1))" +%Y-%m-%dT%H:%M:%SZ)',
          'echo "{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"issued-$now\\",\\"expirationTimestamp\\":\\"$exp\\"}}"',
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const seen: string[] = [];
      const server: Server = createServer((req, res) => {
        const auth = String(req.headers.authorization ?? '');
        seen.push(auth);
        const issued = Number(auth.replace('Bearer issued-', ''));
        const fresh = Number.isFinite(issued) && Date.now() / 1000 - issued < 2.5;
        res.writeHead(fresh ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(fresh ? { kind: 'NamespaceList', items: [] } : { kind: 'Status', reason: 'Unauthorized', code: 401 }));
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
        users: [{ name: `exec-expiry-${process.pid}`, exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } }],
        contexts: [{ name: 'x', cluster: 'c', user: `exec-expiry-${process.pid}` }],
        currentContext: 'x',
      });
      const client = new KubeClient(kc, fast);
      expect((await client.call({ method: 'GET', path: '/api/v1/namespaces' })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 3_000));
      expect((await client.call({ method: 'GET', path: '/api/v1/namespaces' })).status).toBe(200);
      expect(new Set(seen).size).toBe(2); // a second token, from a second run of the plugin
      client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
