import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKubernetesProvider } from '../../engine/providers/kubernetes/kubernetes-provider.js';
import { startApiProxy, type ApiProxy } from './api-proxy.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, serviceAccountToken, writeKubeconfig, type ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

const signal = new AbortController().signal;

/**
 * Apply's health wait (engine/providers/kubernetes/health-wait.ts) against the
 * real API server: a list and a watch from its resourceVersion instead of a
 * read every poll interval, and what a real cluster does to a watch — 410
 * Gone, a watch ended early, an object deleted while waited on, RBAC that
 * allows get and list but not watch — with failures injected by a proxy in
 * front of the API server (test/cluster/api-proxy.ts).
 */
describeCluster('apply health waits: watched, not polled', (cluster) => {
  let c: ControlPlaneInfo;
  let dir: string;
  /** What the proxy does to the next watch requests, in order (then: forward). */
  const faults: ((req: IncomingMessage, res: ServerResponse) => boolean)[] = [];
  let proxy: ApiProxy;

  beforeAll(async () => {
    c = cluster();
    dir = mkdtempSync(join(tmpdir(), 'plumb-health-watch-'));
    proxy = await startApiProxy(c, dir, (req, _headers, res) => {
      if (!/[?&]watch=1/.test(req.url ?? '')) return false;
      const fault = faults.shift();
      return fault ? fault(req, res) : false;
    });
  });
  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = (method: string, path: string, body?: unknown, type?: string) => apiCall(c, c.adminToken, method, path, body, type);

  async function deployments(ns: string, names: string[]): Promise<void> {
    await admin('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const name of names) {
      const r = await admin('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'registry.example.com/api:1.0.0' }] } },
        },
      });
      expect(r.status).toBe(201);
    }
  }

  /** What the deployment controller would write: observed, updated, `available` of 2 available. */
  async function rollOut(ns: string, name: string, available = 2): Promise<void> {
    const live = await admin('GET', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
    const status = {
      observedGeneration: live.body.metadata.generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: available,
      availableReplicas: available,
    };
    const r = await admin('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${name}/status`, { status }, 'application/merge-patch+json');
    expect(r.status).toBe(200);
  }

  const later = (ms: number, f: () => Promise<void>) => new Promise<void>((resolve, reject) => setTimeout(() => f().then(resolve, reject), ms));

  /** The proxy's requests for deployments since `from`: lists and watches. */
  function deploymentCalls(from: number): { lists: string[]; watches: string[]; gets: string[] } {
    const seen = proxy.requests.slice(from).filter((r) => r.path.includes('/deployments'));
    return {
      lists: seen.filter((r) => !r.path.includes('watch=1') && /\/deployments(\?|$)/.test(r.path)).map((r) => r.path),
      watches: seen.filter((r) => r.path.includes('watch=1')).map((r) => r.path),
      gets: seen.filter((r) => /\/deployments\/[^/?]+(\?|$)/.test(r.path)).map((r) => r.path),
    };
  }

  it('sees each rollout as its status is written: one list and one watch per namespace, no reads in between', async () => {
    await deployments('hw-many', ['a', 'b', 'c', 'd', 'e']);
    await deployments('hw-one', ['solo']);
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, pollMs: 50 });
    const from = proxy.requests.length;
    const ids = [...['a', 'b', 'c', 'd', 'e'].map((n) => `deployment:hw-many/${n}`), 'deployment:hw-one/solo'];
    const rollouts = (async () => {
      for (const n of ['a', 'b', 'c', 'd', 'e']) await later(150, () => rollOut('hw-many', n));
      await later(150, () => rollOut('hw-one', 'solo'));
    })();
    const health = await p.health({ ids, timeoutMs: 30_000 }, signal);
    await rollouts;
    expect(health.results).toEqual(ids.map((id) => ({ id, healthy: true, message: '2 of 2 replicas available' })));
    expect(health.diagnostics).toEqual([]);
    const calls = deploymentCalls(from);
    // five of one namespace: the collection; a lone one: by name, as kubectl rollout status watches it
    expect(calls.lists.sort()).toEqual([
      expect.stringMatching(/^\/apis\/apps\/v1\/namespaces\/hw-many\/deployments\?limit=500$/),
      expect.stringMatching(/^\/apis\/apps\/v1\/namespaces\/hw-one\/deployments\?.*fieldSelector=metadata\.name%3Dsolo/),
    ]);
    expect(calls.watches).toHaveLength(2);
    for (const w of calls.watches) expect(w).toMatch(/resourceVersion=\d+.*allowWatchBookmarks=true/);
    expect(calls.gets).toEqual([]);
    await p.close();
  });

  it('settles objects healthy as their write stored them without reading them again', async () => {
    await admin('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hw-written' } });
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig });
    const written = new Map<string, Obj>();
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const desired = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${n}`, namespace: 'hw-written' }, data: { n: String(n) } };
      const id = `configmap:hw-written/cm-${n}`;
      const answer = await p.apply({ change: { id, action: 'create' }, desired, dryRun: false }, signal);
      expect(answer.ok).toBe(true);
      expect(answer.stored?.metadata).toMatchObject({ name: `cm-${n}`, uid: expect.any(String), resourceVersion: expect.any(String) });
      written.set(id, answer.stored!);
      ids.push(id);
    }
    const before = p.client.stats.requests;
    const health = await p.health({ ids, timeoutMs: 5_000, written }, signal);
    expect(health.results.every((r) => r.healthy)).toBe(true);
    expect(p.client.stats.requests - before).toBe(0);
    await p.close();
  });

  it('lists again after 410 Gone, as a status or as an ERROR event in the stream', async () => {
    await deployments('hw-gone', ['a', 'b', 'c', 'd']);
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, pollMs: 50 });
    const expired = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (2)' };
    faults.push(
      (_req, res) => {
        res.writeHead(410, { 'content-type': 'application/json' });
        res.end(JSON.stringify(expired));
        return true;
      },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ type: 'ERROR', object: expired })}\n`);
        return true;
      },
    );
    const from = proxy.requests.length;
    const ids = ['a', 'b', 'c', 'd'].map((n) => `deployment:hw-gone/${n}`);
    const rollouts = later(600, async () => {
      for (const n of ['a', 'b', 'c', 'd']) await rollOut('hw-gone', n);
    });
    const health = await p.health({ ids, timeoutMs: 30_000 }, signal);
    await rollouts;
    expect(health.results.every((r) => r.healthy)).toBe(true);
    const calls = deploymentCalls(from);
    // the first list, then one after each 410; the third watch was the API server's
    expect(calls.lists).toHaveLength(3);
    expect(calls.watches).toHaveLength(3);
    expect(faults).toEqual([]);
    await p.close();
  });

  it('resumes a watch the server ends early from the last resourceVersion it saw, without listing again', async () => {
    await deployments('hw-early', ['a', 'b', 'c', 'd']);
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, pollMs: 50 });
    // the first watch ends at once after a bookmark (an API server restarting, a proxy's idle timeout)
    let bookmark = '';
    faults.push((req, res) => {
      bookmark = new URL(req.url ?? '/', 'http://x').searchParams.get('resourceVersion') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { resourceVersion: bookmark } } })}\n`);
      return true;
    });
    const from = proxy.requests.length;
    const ids = ['a', 'b', 'c', 'd'].map((n) => `deployment:hw-early/${n}`);
    const rollouts = later(600, async () => {
      for (const n of ['a', 'b', 'c', 'd']) await rollOut('hw-early', n);
    });
    const health = await p.health({ ids, timeoutMs: 30_000 }, signal);
    await rollouts;
    expect(health.results.every((r) => r.healthy)).toBe(true);
    const calls = deploymentCalls(from);
    expect(calls.lists).toHaveLength(1);
    expect(calls.watches.length).toBeGreaterThanOrEqual(2);
    expect(new URL(calls.watches[1]!, 'http://x').searchParams.get('resourceVersion')).toBe(bookmark);
    await p.close();
  });

  it('fails an object deleted while it is waited on at once, not at the timeout', async () => {
    await deployments('hw-deleted', ['doomed', 'fine']);
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, pollMs: 50 });
    const events = later(500, async () => {
      await rollOut('hw-deleted', 'fine');
      const r = await admin('DELETE', '/apis/apps/v1/namespaces/hw-deleted/deployments/doomed');
      expect(r.status).toBe(200);
    });
    const started = Date.now();
    const health = await p.health({ ids: ['deployment:hw-deleted/doomed', 'deployment:hw-deleted/fine'], timeoutMs: 120_000 }, signal);
    await events;
    expect(health.results).toEqual([
      { id: 'deployment:hw-deleted/doomed', healthy: false, message: 'deleted while waiting for it to become healthy' },
      { id: 'deployment:hw-deleted/fine', healthy: true, message: '2 of 2 replicas available' },
    ]);
    // ended by the deletion, well before the two minutes
    expect(Date.now() - started).toBeLessThan(60_000);
    await p.close();
  });

  it('ends at its timeout with the last state it saw, watching until then', async () => {
    await deployments('hw-stuck', ['stuck']);
    await rollOut('hw-stuck', 'stuck', 0);
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, pollMs: 50 });
    const from = proxy.requests.length;
    const health = await p.health({ ids: ['deployment:hw-stuck/stuck'], timeoutMs: 1_500 }, signal);
    expect(health.results).toEqual([{ id: 'deployment:hw-stuck/stuck', healthy: false, message: 'not healthy after 2 s: 0 of 2 replicas available' }]);
    // watched to the end (the server is told to end the watch then too), never read again
    const calls = deploymentCalls(from);
    expect(calls.lists).toHaveLength(1);
    expect(calls.watches).toEqual([expect.stringMatching(/timeoutSeconds=[12](&|$)/)]);
    expect(calls.gets).toEqual([]);
    await p.close();
  });

  it('interrupted (Ctrl-C), ends at once and says so with the last state — not that it waited the whole timeout', async () => {
    await deployments('hw-interrupted', ['stuck']);
    await rollOut('hw-interrupted', 'stuck', 0);
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, pollMs: 50 });
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('interrupted')), 600);
    const started = Date.now();
    const health = await p.health({ ids: ['deployment:hw-interrupted/stuck'], timeoutMs: 60_000 }, stop.signal);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(health.results).toEqual([
      {
        id: 'deployment:hw-interrupted/stuck',
        healthy: false,
        message: expect.stringMatching(/^not healthy when the wait was interrupted after [01] s: 0 of 2 replicas available$/),
      },
    ]);
    await p.close();
  });

  it('an object whose kind the server does not serve (yet) is waited for, not taken as deleted', async () => {
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, pollMs: 50 });
    // a kind no other test file serves: the control plane is shared by the whole run, and
    // prune-safety.test.ts serves a Gadget, which made this object merely absent there
    const id = 'hwunservedprobe:hw-unserved/g1';
    // as its write stored it: not ready yet, so it is read again
    const written = new Map([
      [
        id,
        {
          apiVersion: 'hw.example.com/v1',
          kind: 'HwUnservedProbe',
          metadata: { name: 'g1', namespace: 'hw-unserved' },
          status: { conditions: [{ type: 'Ready', status: 'False' }] },
        },
      ],
    ]);
    const health = await p.health({ ids: [id], timeoutMs: 3_000, written }, signal);
    expect(health.results).toEqual([{ id, healthy: false, message: 'not healthy after 3 s: its kind is not served by the API server (yet)' }]);
    await p.close();
  });

  it('with RBAC that allows get and list but not watch, polls instead and says so once', async () => {
    await deployments('hw-nowatch', ['a', 'b']);
    const token = await serviceAccountToken(c, {
      namespace: 'hw-nowatch',
      name: 'reader',
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] }],
    });
    const p = createKubernetesProvider({ kubeconfig: writeKubeconfig(c, token, 'hw-nowatch-reader', 'hw-nowatch'), pollMs: 100 });
    const rollouts = later(300, () => rollOut('hw-nowatch', 'a'));
    const first = await p.health({ ids: ['deployment:hw-nowatch/a'], timeoutMs: 30_000 }, signal);
    await rollouts;
    expect(first.results).toEqual([{ id: 'deployment:hw-nowatch/a', healthy: true, message: '2 of 2 replicas available' }]);
    expect(first.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'kubernetes.watch-forbidden',
        message: expect.stringMatching(/^cannot watch deployments in namespace hw-nowatch/),
      }),
    ]);
    const again = later(300, () => rollOut('hw-nowatch', 'b'));
    const second = await p.health({ ids: ['deployment:hw-nowatch/b'], timeoutMs: 30_000 }, signal);
    await again;
    expect(second.results).toEqual([{ id: 'deployment:hw-nowatch/b', healthy: true, message: '2 of 2 replicas available' }]);
    expect(second.diagnostics).toEqual([]);
    await p.close();
  });
});
