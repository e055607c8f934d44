import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toCI } from '../../engine/load/to-ci.js';
import { createKubernetesProvider } from '../../engine/providers/kubernetes/kubernetes-provider.js';
import { runCli } from '../helpers/run-cli.js';
import { startApiProxy, type ApiProxy } from './api-proxy.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, type ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

/**
 * Paged lists (`limit` + `continue`) of the Kubernetes provider against the
 * real API server, through a proxy on 127.0.0.1 that answers some pages
 * itself as a broken server would: a server that ignores `continue` (the same
 * token forever) must not make a plan loop forever, and a token that expired
 * between two pages (410, etcd compacted meanwhile) lists the type again
 * whole, as client-go's pager does, instead of failing the plan.
 */
describeCluster('kubernetes paged lists: a repeated continue token, an expired one', (cluster) => {
  let c: ControlPlaneInfo;
  let proxy: ApiProxy;
  /** The proxy's own answer for a request path (status and body), instead of the API server's. */
  let answer: ((path: string) => { status: number; body: Obj } | undefined) | undefined;
  const dirs: string[] = [];
  const temp = (what: string) => {
    const d = mkdtempSync(join(tmpdir(), `plumb-paging-${what}-`));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    c = cluster();
    proxy = await startApiProxy(c, temp('kubeconfig'), (req, _headers, res) => {
      const a = answer?.(req.url ?? '');
      if (!a) return false;
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body));
      return true;
    });
  });
  afterAll(async () => {
    await proxy?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a server that gives the same continue token again ends the list with a warning naming the type, never a plan that runs forever', async () => {
    const ns = 'paging-loop';
    const dir = temp('repo');
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${ns}\ntargets:\n  k8s: {provider: kubernetes}\n`);
    writeFileSync(
      join(dir, 'inventory', 'app.yaml'),
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${ns}}\ndata: {mode: "on"}\n`,
    );
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig]);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    // the orphan sweep's Secret list (every namespace, by the managed-by label) pages forever: one empty page, the same token
    let asked = 0;
    answer = (path) => {
      if (!(path.startsWith('/api/v1/secrets?') && path.includes('labelSelector='))) return undefined;
      asked++;
      return { status: 200, body: { kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: '1', continue: 'again' }, items: [] } };
    };
    try {
      const r = await runCli(['plan', '-o', 'json', '--repo', dir, '--kubeconfig', proxy.kubeconfig]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as Obj;
      const hidden = (json.diagnostics as Obj[]).filter((d) => d.code === 'kubernetes.orphans-hidden');
      expect(hidden).toHaveLength(1);
      expect(hidden[0].message).toContain('cannot list secrets in any namespace');
      expect(hidden[0].message).toContain('same continue token twice');
      // the first page, then the same token once: the second time it is given, the list ends
      expect(asked).toBe(2);
    } finally {
      answer = undefined;
    }
  }, 120_000);

  it('a continue token that expired between two pages (410) lists the type again whole, once; the plan sees every object', async () => {
    const ns = 'paging-expired';
    await apiCall(c, c.adminToken, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const name of names)
      await apiCall(c, c.adminToken, 'POST', `/api/v1/namespaces/${ns}/configmaps`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
        data: { x: name },
      });
    const desired = names.map(
      (name, doc) =>
        toCI(
          {
            origin: { file: 'inventory/app.yaml', doc, line: 1, column: 1 },
            value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { x: name } },
          },
          { clusterScopedCustomKinds: new Set(), locate: () => ({ line: 1, column: 1 }) },
        ).ci!,
    );
    const list = `/api/v1/namespaces/${ns}/configmaps`;
    let expired = 0;
    answer = (path) => {
      if (path.split('?')[0] !== list || !path.includes('continue=') || expired > 0) return undefined;
      expired++;
      return {
        status: 410,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Expired',
          code: 410,
          message: 'The provided continue parameter is too old to display a consistent list result.',
        },
      };
    };
    proxy.requests.length = 0;
    const p = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, pageSize: 2, cache: false });
    try {
      const found = await p.discover({ desired, desiredOnly: true }, new AbortController().signal);
      expect(found.diagnostics).toEqual([]);
      expect(found.observed.map((o) => o.id).sort()).toEqual(desired.map((ci) => ci.id).sort());
      expect(expired).toBe(1);
      const lists = proxy.requests.filter((q) => q.path.split('?')[0] === list).map((q) => new URLSearchParams(q.path.split('?')[1] ?? ''));
      // page one (limit 2), page two refused (410), then the whole list in one answer: no limit, no continue
      expect(lists.map((q) => [q.get('limit'), q.has('continue')])).toEqual([
        ['2', false],
        ['2', true],
        [null, false],
      ]);
    } finally {
      answer = undefined;
      await p.close();
    }
  }, 120_000);
});
