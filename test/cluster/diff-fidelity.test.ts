import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, kubectlPath, type ControlPlaneInfo } from './control-plane.js';
import { startFakeRollout } from './fake-rollout.js';

type Obj = Record<string, any>;

/** One namespace per test file run, so the shared control plane's other tests are not disturbed. */
const NS = 'fidelity';

describeCluster('an honest diff against a real API server: removed fields, ownership, offline replay', (cluster) => {
  let repo: string;
  let c: ControlPlaneInfo;
  let stopRollout: () => Promise<void>;
  const plumb = (...args: string[]) => runCli([...args, '--repo', repo, '--kubeconfig', c.kubeconfig]);
  const kubectl = (...args: string[]) => execFileSync(kubectlPath(), ['--kubeconfig', c.kubeconfig, ...args], { encoding: 'utf8' });
  const write = (file: string, text: string) => {
    mkdirSync(join(repo, file, '..'), { recursive: true });
    writeFileSync(join(repo, file), text);
  };
  const planJson = async (...extra: string[]) => {
    const r = await plumb('plan', '-o', 'json', ...extra);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return JSON.parse(r.stdout) as Obj;
  };
  const changes = (plan: Obj) =>
    Object.fromEntries((plan.changes as Obj[]).filter((ch) => ch.action !== 'noop').map((ch) => [ch.id, [ch.action, ...(ch.paths ?? [])]]));

  beforeAll(() => {
    c = cluster();
    stopRollout = startFakeRollout(c, { namespaces: [NS] });
    repo = mkdtempSync(join(tmpdir(), 'plumb-fidelity-'));
    write(
      'plumb.yaml',
      'inventory: ["inventory/**/*.yaml"]\ntargets:\n  live: {provider: kubernetes}\n  replay: {provider: snapshot, path: observed.yaml}\ndefaultTarget: live\n',
    );
    write('inventory/ns.yaml', `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NS}}\n`);
    write(
      'inventory/app.yaml',
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  namespace: ${NS}
  labels: {app: shop, tier: web}
data:
  A: "1"
  B: "2"
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${NS}
stringData:
  user: admin
  token: s3cr3t-fidelity-token
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: main
          image: registry.example.com/web:1.0.0
          resources:
            requests: {cpu: 1000m, memory: 1024Mi, ephemeral-storage: 1000M}
            limits: {cpu: "2", memory: 2Gi}
`,
    );
  });
  afterAll(async () => {
    await stopRollout();
    rmSync(repo, { recursive: true, force: true });
  });

  it('applies, then plans 0 changes', async () => {
    const r = await plumb('apply', '--auto-approve');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(changes(await planJson())).toEqual({});
  });

  it('a label, a data key and a Secret key removed from Git are planned as removals of exactly those; a label kubectl set is never shown', async () => {
    kubectl('-n', NS, 'label', 'configmap/app', 'owner=by-hand');
    write(
      'inventory/app.yaml',
      (await import('node:fs'))
        .readFileSync(join(repo, 'inventory/app.yaml'), 'utf8')
        .replace('labels: {app: shop, tier: web}', 'labels: {app: shop}')
        .replace('  B: "2"\n', '')
        .replace('  token: s3cr3t-fidelity-token\n', ''),
    );
    const plan = await planJson();
    expect(changes(plan)).toEqual({
      [`configmap:${NS}/app`]: ['update', '/data/B', '/metadata/labels/tier'],
      [`secret:${NS}/creds`]: ['update', '/data/token'],
    });
    // the label kubectl set is context at most, never a change
    const cmChange = (plan.changes as Obj[]).find((ch) => ch.id === `configmap:${NS}/app`)!;
    expect(JSON.stringify(cmChange.patch)).not.toContain('owner');
    expect(cmChange.diff).not.toMatch(/^[-+]\s+owner/m);
    expect(JSON.stringify(plan)).not.toContain(Buffer.from('s3cr3t-fidelity-token').toString('base64'));

    const r = await plumb('apply', '--auto-approve');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const cm = (await apiCall(c, c.adminToken, 'GET', `/api/v1/namespaces/${NS}/configmaps/app`)).body;
    expect(cm.data).toEqual({ A: '1' });
    expect(cm.metadata.labels).toMatchObject({ app: 'shop', owner: 'by-hand', 'plumb.io/managed-by': 'plumb' });
    expect(cm.metadata.labels.tier).toBeUndefined();
    const secret = (await apiCall(c, c.adminToken, 'GET', `/api/v1/namespaces/${NS}/secrets/creds`)).body;
    expect(Object.keys(secret.data)).toEqual(['user']);
    expect(changes(await planJson())).toEqual({});
  });

  it('offline replay equals live: discover, then a plan against the snapshot shows 0 changes (quantities by value)', async () => {
    const d = await plumb('discover', '--target', 'live', '-o', 'yaml');
    expect(d.code, d.stderr).toBe(0);
    writeFileSync(join(repo, 'observed.yaml'), d.stdout);
    expect(changes(await planJson('--target', 'replay'))).toEqual({});
    // and a removal is seen offline too, from the ownership the snapshot recorded
    write(
      'inventory/app.yaml',
      (await import('node:fs')).readFileSync(join(repo, 'inventory/app.yaml'), 'utf8').replace('labels: {app: shop}', '{}'.slice(0, 0) + 'labels: {}'),
    );
    expect(changes(await planJson('--target', 'replay'))).toEqual({ [`configmap:${NS}/app`]: ['update', '/metadata/labels/app'] });
    expect(changes(await planJson('--target', 'live'))).toEqual({ [`configmap:${NS}/app`]: ['update', '/metadata/labels/app'] });
  });
});
