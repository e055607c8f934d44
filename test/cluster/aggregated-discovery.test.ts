import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { startApiProxy, type ApiProxy, type ProxiedRequest } from './api-proxy.js';
import { describeCluster } from './cluster-test.js';
import type { ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

/**
 * Discovery of the Kubernetes provider (engine/providers/kubernetes/discovery.ts)
 * against the real API server, through a proxy on 127.0.0.1 that counts what
 * plumb asks and, in legacy mode, answers as a server without aggregated
 * discovery would (it drops the aggregated types from the Accept header, so
 * the API server answers the legacy documents).
 */
describeCluster('kubernetes discovery: aggregated documents, legacy fallback', (cluster) => {
  let c: ControlPlaneInfo;
  let proxy: ApiProxy;
  let kubeconfig: string;
  let legacy = false;
  /** A status this proxy answers itself for a request path, instead of the API server's answer. */
  let inject: ((path: string) => number | undefined) | undefined;
  let requests: ProxiedRequest[] = [];
  const dirs: string[] = [];
  const temp = (what: string) => {
    const d = mkdtempSync(join(tmpdir(), `plumb-disc-${what}-`));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    c = cluster();
    proxy = await startApiProxy(c, temp('kubeconfig'), (req, headers, res) => {
      if (legacy && /^\/apis?$/.test(req.url ?? '')) headers.accept = 'application/json';
      const status = inject?.(req.url ?? '');
      if (status === undefined) return false;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `injected ${status}`, code: status }));
      return true;
    });
    kubeconfig = proxy.kubeconfig;
    requests = proxy.requests;
  });
  afterAll(async () => {
    await proxy?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** The Deployment both tests apply and then drop from Git. */
  const deployment = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: "nginx:1.27"}]}
`;

  /** A discovery document's path: `/api`, `/apis`, `/api/v1`, `/apis/GROUP`, `/apis/GROUP/VERSION` (not a list of objects). */
  const isDiscovery = (path: string) => /^\/api(\/v1)?$|^\/apis(\/[^/]+){0,2}$/.test(path.split('?')[0]);

  it('a plan reads the whole API in two aggregated documents, and plans as it does from the legacy ones; the orphan sweep leaves out what was listed whole', async () => {
    const ns = 'disc-agg';
    const dir = temp('repo');
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${ns}\ntargets:\n  k8s: {provider: kubernetes}\n`);
    writeFileSync(
      join(dir, 'inventory', 'app.yaml'),
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${ns}}\ndata: {mode: "on"}\n---
${deployment(ns)}---
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}-2}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: old, namespace: ${ns}-2}
data: {x: "1"}
`,
    );
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig]);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    // Git now wants another value, and neither the Deployment nor the second namespace and its ConfigMap: the deletes
    // are found by the sweep of managed objects over every type (ConfigMaps outside the namespace listed whole)
    writeFileSync(
      join(dir, 'inventory', 'app.yaml'),
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${ns}}\ndata: {mode: "off"}\n`,
    );

    const plan = async (asLegacy: boolean) => {
      legacy = asLegacy;
      requests.length = 0;
      const r = await runCli(['plan', '-o', 'json', '--repo', dir, '--kubeconfig', kubeconfig]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as Obj;
      const discovery = requests.filter((q) => q.method === 'GET' && isDiscovery(q.path));
      return {
        json,
        discovery: [...new Set(discovery.map((q) => q.path))].sort(),
        gets: requests.filter((q) => q.method === 'GET').length,
        all: [...requests],
      };
    };
    const aggregated = await plan(false);
    expect(aggregated.discovery).toEqual(['/api', '/apis']);
    // each read once for the desired types and the sweep (the sweep takes the read prepare started), and once more
    // for the cascade of the namespace Git dropped, which asks afresh
    const reads = aggregated.all.filter((q) => /^\/apis?$/.test(q.path.split('?')[0])).map((q) => q.path.split('?')[0]);
    expect(reads.sort()).toEqual(['/api', '/api', '/apis', '/apis']);
    for (const q of aggregated.all.filter((r) => /^\/apis?$/.test(r.path))) expect(q.accept).toContain('as=APIGroupDiscoveryList');
    const changed = (p: Obj) =>
      (p.changes as Obj[])
        .filter((ch) => ch.action !== 'noop')
        .map((ch) => `${ch.action} ${ch.id}`)
        .sort();
    expect(changed(aggregated.json)).toEqual([
      `delete configmap:${ns}-2/old`,
      `delete deployment:${ns}/api`,
      `delete namespace:_cluster/${ns}-2`,
      `update configmap:${ns}/settings`,
    ]);
    // what step 1 listed whole (ConfigMaps in the namespace Git names) the sweep does not read again
    const sweep = aggregated.all.filter((q) => q.path.startsWith('/api/v1/configmaps?'));
    expect(sweep.map((q) => new URLSearchParams(q.path.split('?')[1]).get('fieldSelector'))).toEqual([`metadata.namespace!=${ns}`]);

    const old = await plan(true);
    // the legacy documents: one per group-version asked, among them the two the desired objects name
    expect(old.discovery).toEqual(expect.arrayContaining(['/api/v1', '/apis', '/apis/apps/v1']));
    expect(old.gets).toBeGreaterThan(aggregated.gets + 10);
    const answer = (p: Obj) => ({ changes: p.changes, diagnostics: p.diagnostics, summary: p.summary });
    expect(answer(aggregated.json)).toEqual(answer(old.json));
  }, 120_000);

  it('a sweep list the API server fails is a warning naming the type, never a silent miss; a refused field selector is asked again without it', async () => {
    const ns = 'disc-fail';
    const dir = temp('repo');
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${ns}\ntargets:\n  k8s: {provider: kubernetes}\n`);
    // both namespaces stay in Git (no cascade reads them): what Git drops is found by the sweep alone
    const keep = `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}-2}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${ns}}\ndata: {mode: "on"}\n`;
    writeFileSync(
      join(dir, 'inventory', 'app.yaml'),
      `${keep}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: old, namespace: ${ns}-2}\ndata: {x: "1"}\n---
${deployment(ns)}`,
    );
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig]);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    // Git drops the Deployment and the other namespace's ConfigMap
    writeFileSync(join(dir, 'inventory', 'app.yaml'), keep);
    const sweepOf = (path: string, plural: string) => path.startsWith(`${plural}?`) && path.includes('labelSelector=');
    inject = (path) => {
      if (sweepOf(path, '/apis/apps/v1/deployments')) return 500;
      if (sweepOf(path, '/api/v1/configmaps') && path.includes('fieldSelector=')) return 400;
      return undefined;
    };
    try {
      const r = await runCli(['plan', '-o', 'json', '--repo', dir, '--kubeconfig', kubeconfig]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as Obj;
      const changed = (json.changes as Obj[]).filter((ch) => ch.action !== 'noop').map((ch) => `${ch.action} ${ch.id}`);
      // the ConfigMap sweep, refused with its field selector, was asked again whole: the orphan is found
      expect(changed).toContain(`delete configmap:${ns}-2/old`);
      // the Deployment sweep failed: the orphan is not seen, and the plan says so
      expect(changed).not.toContain(`delete deployment:${ns}/api`);
      const hidden = (json.diagnostics as Obj[]).filter((d) => d.code === 'kubernetes.orphans-hidden');
      expect(hidden).toHaveLength(1);
      expect(hidden[0].severity).toBe('warning');
      expect(hidden[0].message).toContain('cannot list deployments in any namespace');
      expect(hidden[0].message).toContain('injected 500');
    } finally {
      inject = undefined;
    }
  }, 120_000);
});
