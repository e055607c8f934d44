import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { ContentCache } from '../../engine/cache/content-cache.js';
import { cacheSettings } from '../../engine/cache/cache-settings.js';
import { loadRepository } from '../../engine/load/load-repository.js';
import { createKubernetesProvider } from '../../engine/providers/kubernetes/kubernetes-provider.js';
import { startApiProxy, type ApiProxy, type ProxiedRequest } from './api-proxy.js';
import { describeCluster } from './cluster-test.js';
import type { ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

/**
 * A plan's lists asked for ahead (engine/providers/kubernetes/kubernetes-provider.ts `askListsAhead`): the
 * lists the last plan of a server made are asked for again while the repository loads, each answer is
 * taken once by the same request of the plan's discover, and the plan answers as one that asked nothing
 * ahead — also when the repository changed since the record (lists it no longer makes, lists it makes anew).
 * Each plan is its own process, through a counting proxy on 127.0.0.1.
 */
describeCluster('kubernetes: lists asked ahead', (cluster) => {
  let c: ControlPlaneInfo;
  let proxy: ApiProxy;
  let requests: ProxiedRequest[] = [];
  const dirs: string[] = [];
  const temp = (what: string) => {
    const d = mkdtempSync(join(tmpdir(), `plumb-lah-${what}-`));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    c = cluster();
    proxy = await startApiProxy(c, temp('kubeconfig'));
    requests = proxy.requests;
  });
  afterAll(async () => {
    await proxy?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const namespaceFiles = (ns: string): Record<string, string> => ({
    [`${ns}-ns.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`,
    [`${ns}-cms.yaml`]: [1, 2, 3].map((i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: ${ns}}\ndata: {v: "${i}"}\n`).join('---\n'),
    [`${ns}-deploy.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: "nginx:1.27"}]}
`,
  });

  /** `plumb plan -o json` through the proxy (cache directory, or caching off); its list requests (GET with `limit=`), in order. */
  const plan = async (repo: string, cacheDir: string | undefined, code = 0) => {
    requests.length = 0;
    const env = cacheDir ? { PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE: undefined } : { PLUMB_CACHE: 'off' };
    const r = await runCli(['plan', '-o', 'json', '--repo', repo, '--kubeconfig', proxy.kubeconfig], { env });
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const made = [...requests];
    return {
      json: code === 0 ? (JSON.parse(r.stdout) as Obj) : undefined,
      stderr: r.stderr,
      lists: made.filter((q) => q.method === 'GET' && /[?&]limit=/.test(q.path)).map((q) => q.path),
      writes: made.filter((q) => q.method !== 'GET' && !q.path.includes('/selfsubjectreviews')),
    };
  };
  /** What a plan says, without what differs between any two runs (time, duration). */
  const answer = (p: Obj | undefined) => ({ changes: p?.changes, fingerprints: p?.fingerprints, diagnostics: p?.diagnostics, summary: p?.summary });
  const changed = (p: Obj | undefined) =>
    ((p?.changes ?? []) as Obj[])
      .filter((ch) => ch.action !== 'noop')
      .map((ch) => `${ch.action} ${ch.id}`)
      .sort();
  const sorted = (xs: readonly string[]) => [...xs].sort();

  it('a plan takes the answers of the lists the last plan made, each once and none twice, and answers as a plan without them; a changed repository lists what it needs and the record follows it', async () => {
    const dir = temp('repo');
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), 'inventoryId: lah\ntargets:\n  k8s: {provider: kubernetes}\n');
    const write = (files: Record<string, string>) => {
      for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, 'inventory', f), text);
    };
    write(namespaceFiles('lah-a'));
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig], { env: { PLUMB_CACHE: 'off' } });
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const cache = temp('cache');

    // the first plan asks nothing ahead (no record yet) and records its lists
    const first = await plan(dir, cache);
    expect(changed(first.json)).toEqual([]);
    expect(first.lists.length).toBeGreaterThan(20); // the namespace's kinds and the cluster-wide sweep
    expect(new Set(first.lists).size).toBe(first.lists.length);

    // the next asks for the same lists ahead and takes each answer: no list is asked twice, none is left out
    const steady = await plan(dir, cache);
    expect(sorted(steady.lists)).toEqual(sorted(first.lists));
    expect(steady.writes).toEqual([]);
    const uncached = await plan(dir, undefined);
    expect(answer(steady.json)).toEqual(answer(uncached.json));
    expect(answer(steady.json)).toEqual(answer(first.json));

    // asked while the repository loads: a plan that stops at validation stops them too (at most those already
    // sent were), says only its diagnostic, and writes nothing
    write({ 'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken, namespace: lah-a}\ndata: {v: {not: a string}}\n' });
    const stopped = await plan(dir, cache, 1);
    expect(stopped.stderr).toMatch(/broken\.yaml:\d+:\d+/);
    expect(stopped.lists.filter((p) => !first.lists.includes(p))).toEqual([]);
    expect(stopped.writes).toEqual([]);
    unlinkSync(join(dir, 'inventory', 'broken.yaml'));

    // the repository changes: a namespace more, and lah-a's Deployment gone from Git (plumb's, so planned for deletion)
    write(namespaceFiles('lah-b'));
    unlinkSync(join(dir, 'inventory', 'lah-a-deploy.yaml'));
    const moved = await plan(dir, cache);
    const movedUncached = await plan(dir, undefined);
    expect(answer(moved.json)).toEqual(answer(movedUncached.json));
    expect(changed(moved.json)).toEqual(
      sorted([
        'create namespace:_cluster/lah-b',
        'create configmap:lah-b/cm-1',
        'create configmap:lah-b/cm-2',
        'create configmap:lah-b/cm-3',
        'create deployment:lah-b/api',
        'delete deployment:lah-a/api',
      ]),
    );
    // it made the lists it needs (lah-b's among them), and asked ahead the ones it no longer makes (lah-a's sweep exclusion changed)
    expect(moved.lists.some((p) => p.includes('/namespaces/lah-b/configmaps?'))).toBe(true);
    expect(movedUncached.lists.filter((p) => !moved.lists.includes(p))).toEqual([]);
    expect(moved.lists.filter((p) => !movedUncached.lists.includes(p) && !first.lists.includes(p))).toEqual([]);
    expect(new Set(moved.lists).size).toBe(moved.lists.length);
    // and its record is the new one: the next plan asks for exactly what it makes
    const again = await plan(dir, cache);
    expect(sorted(again.lists)).toEqual(sorted(movedUncached.lists));
    expect(answer(again.json)).toEqual(answer(movedUncached.json));
  }, 180_000);

  it('prepare asks for the recorded lists before discover is called, and discover then asks for none of them again: the same objects as a discover that asked nothing ahead', async () => {
    const dir = temp('repo-p');
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), 'inventoryId: lah-p\ntargets:\n  k8s: {provider: kubernetes}\n');
    for (const [f, text] of Object.entries(namespaceFiles('lah-p'))) writeFileSync(join(dir, 'inventory', f), text);
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig], { env: { PLUMB_CACHE: 'off' } });
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const { cis } = await loadRepository({ repo: dir });
    const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: temp('cache-p') }));
    const listsOf = () => requests.filter((q) => q.method === 'GET' && /[?&]limit=/.test(q.path)).map((q) => q.path);
    const discoverOnce = async () => {
      const provider = createKubernetesProvider({ kubeconfig: proxy.kubeconfig, cache });
      const signal = new AbortController().signal;
      provider.prepare(signal);
      // as a plan's repository load would take a while: whatever prepare asks for has time to go out
      for (let i = 0; i < 100 && listsOf().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      const before = listsOf();
      const answer = await provider.discover({ desired: cis }, signal);
      await provider.close();
      return { before, all: listsOf(), observed: answer.observed.filter((o) => o.id.includes('lah-p')), diagnostics: answer.diagnostics };
    };
    requests.length = 0;
    const first = await discoverOnce();
    expect(first.before).toEqual([]); // no record yet: nothing asked ahead
    expect(first.observed.map((o) => o.id)).toContain('deployment:lah-p/api');
    requests.length = 0;
    const second = await discoverOnce();
    expect(sorted(second.before)).toEqual(sorted(first.all)); // every list, before discover was called
    expect(sorted(second.all)).toEqual(sorted(first.all)); // and none again
    expect(second.observed).toEqual(first.observed);
    expect(second.diagnostics).toEqual(first.diagnostics);
  }, 120_000);
});
