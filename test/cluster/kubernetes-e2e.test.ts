import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, kubectlPath, serviceAccountToken, writeKubeconfig, type ControlPlaneInfo } from './control-plane.js';
import { startFakeRollout } from './fake-rollout.js';
import { writeK8sRepo } from './k8s-fixture.js';

type Obj = Record<string, any>;

const NAMESPACES = ['e2e-a', 'e2e-b', 'e2e-c', 'e2e-d'];

describeCluster('plumb against a real API server: plan, apply, drift, prune, backup and restore', (cluster) => {
  let repo: string;
  let c: ControlPlaneInfo;
  let manifests: number;
  let stopRollout: () => Promise<void>;
  const plumb = (...args: string[]) => runCli([...args, '--repo', repo, '--kubeconfig', c.kubeconfig]);
  const kubectl = (...args: string[]) => execFileSync(kubectlPath(), ['--kubeconfig', c.kubeconfig, ...args], { encoding: 'utf8' });
  const planJson = async () => {
    const r = await plumb('plan', '-o', 'json');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Obj;
  };
  const changed = (plan: Obj) =>
    (plan.changes as Obj[])
      .filter((ch) => ch.action !== 'noop')
      .map((ch) => `${ch.action} ${ch.id}`)
      .sort();

  beforeAll(() => {
    c = cluster();
    repo = mkdtempSync(join(tmpdir(), 'plumb-k8s-e2e-'));
    manifests = writeK8sRepo(repo, { namespaces: NAMESPACES, configMaps: 20, secrets: 5, deployments: 10, widgets: 15 });
    stopRollout = startFakeRollout(c, { namespaces: NAMESPACES });
  });
  afterAll(async () => {
    await stopRollout();
    rmSync(repo, { recursive: true, force: true });
  });

  it('plans ~200 objects across namespaces, a CRD and its custom resources among them, as creates', async () => {
    expect(manifests).toBe(200);
    const plan = await planJson();
    expect(plan.summary).toMatchObject({ create: 200, update: 0, delete: 0 });
    const waveOf = (id: string) => (plan.changes as Obj[]).find((ch) => ch.id === id)!.wave;
    // the Namespace before what lives in it, the CRD before its custom resources
    expect(waveOf('namespace:_cluster/e2e-a')).toBeLessThan(waveOf('configmap:e2e-a/cm-0'));
    expect(waveOf('customresourcedefinition:_cluster/widgets.e2e.plumb.io')).toBeLessThan(waveOf('widget:e2e-a/widget-0'));
    // a Secret's value never leaves the cluster in any output
    expect(JSON.stringify(plan)).not.toContain(Buffer.from('s3cr3t-value-e2e-a-0').toString('base64'));
  });

  it('applies them with server-side apply, labelled as plumb-managed, and then sees no drift', async () => {
    const r = await plumb('apply', '--auto-approve');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const cm = await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/e2e-b/configmaps/cm-3');
    expect(cm.body.metadata.labels['plumb.io/managed-by']).toBe('plumb');
    expect(cm.body.metadata.managedFields.map((m: Obj) => m.manager)).toContain('plumb');
    const widget = await apiCall(c, c.adminToken, 'GET', '/apis/e2e.plumb.io/v1/namespaces/e2e-a/widgets/widget-3');
    expect(widget.body.spec).toEqual({ color: 'red', size: 1 }); // size defaulted by the CRD schema: not drift
    const plan = await planJson();
    expect(changed(plan)).toEqual([]);
    expect(plan.summary.noop).toBe(200);
  });

  it('offline replay equals live: discover of the whole corpus, then a plan against that snapshot shows 0 changes', async () => {
    const d = await plumb('discover', '--target', 'k8s', '-o', 'yaml');
    expect(d.code, d.stderr).toBe(0);
    writeFileSync(join(repo, 'replay.yaml'), d.stdout);
    writeFileSync(
      join(repo, 'plumb.yaml'),
      readFileSync(join(repo, 'plumb.yaml'), 'utf8').replace('defaultTarget: k8s', '  replay: {provider: snapshot, path: replay.yaml}\ndefaultTarget: k8s'),
    );
    const r = await plumb('plan', '--target', 'replay', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const replayed = JSON.parse(r.stdout) as Obj;
    expect(changed(replayed)).toEqual([]);
    expect(replayed.summary.noop).toBe(200);
  });

  it('shows exactly the drift made by API writes and by kubectl, and apply repairs it', async () => {
    await apiCall(c, c.adminToken, 'PATCH', '/api/v1/namespaces/e2e-a/configmaps/cm-1', { data: { LOG_LEVEL: 'debug' } }, 'application/merge-patch+json');
    kubectl('-n', 'e2e-c', 'scale', 'deployment/app-4', '--replicas=5');
    kubectl('-n', 'e2e-d', 'set', 'image', 'deployment/app-7', 'main=registry.example.com/app-7:6.6.6');
    // not drift: fields Git does not declare
    kubectl('-n', 'e2e-b', 'annotate', 'configmap/cm-2', 'note=by-hand');
    kubectl('-n', 'e2e-b', 'label', 'service/app-2', 'extra=yes');

    const plan = await planJson();
    expect(changed(plan)).toEqual(['update configmap:e2e-a/cm-1', 'update deployment:e2e-c/app-4', 'update deployment:e2e-d/app-7']);
    const paths = Object.fromEntries((plan.changes as Obj[]).filter((ch) => ch.action === 'update').map((ch) => [ch.id, ch.paths]));
    expect(paths).toEqual({
      'configmap:e2e-a/cm-1': ['/data/LOG_LEVEL'],
      'deployment:e2e-c/app-4': ['/spec/replicas'],
      'deployment:e2e-d/app-7': ['/spec/template/spec/containers/main/image'],
    });

    // kubectl now owns the fields it changed: the plan warns, naming it, and repairing takes them back
    const warned = await plumb('plan');
    expect(warned.stdout + warned.stderr).toContain('fields are owned by "kubectl"');
    const refused = await plumb('apply', '--auto-approve');
    expect(refused.code).toBe(1);
    const r = await plumb('apply', '--auto-approve', '--force-conflicts');
    expect(r.code, r.stderr).toBe(0);
    expect(kubectl('-n', 'e2e-c', 'get', 'deployment/app-4', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
    expect(kubectl('-n', 'e2e-d', 'get', 'deployment/app-7', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe(
      'registry.example.com/app-7:1.0.0',
    );
    expect(changed(await planJson())).toEqual([]);
  });

  it('prunes what was removed from Git, and only objects plumb owns', async () => {
    kubectl('-n', 'e2e-d', 'create', 'configmap', 'handmade', '--from-literal=a=1');
    rmSync(join(repo, 'inventory/e2e-d/secrets.yaml'));
    const plan = await planJson();
    expect(changed(plan)).toEqual([0, 1, 2, 3, 4].map((i) => `delete secret:e2e-d/secret-${i}`));
    expect((plan.unmanaged as Obj[]).map((u) => u.id)).toContain('configmap:e2e-d/handmade');

    const r = await plumb('apply', '--auto-approve', '--prune');
    expect(r.code, r.stderr).toBe(0);
    const secrets = await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/e2e-d/secrets');
    expect(secrets.body.items.map((s: Obj) => s.metadata.name)).toEqual([]);
    expect((await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/e2e-d/configmaps/handmade')).status).toBe(200);
  });

  it('backs up live objects; after a delete, restore gives back the same objects', async () => {
    const refs = ['configmap:e2e-b/cm-5', 'deployment:e2e-b/app-5', 'secret:e2e-b/secret-1'];
    const before = refs.map((ref) => kubectl('-n', 'e2e-b', 'get', ref.split(':')[0] + '/' + ref.split('/')[1], '-o', 'json'));
    const b = await plumb('backup', ...refs, '-o', 'json');
    expect(b.code, b.stderr).toBe(0);
    const id = JSON.parse(b.stdout).id as string;
    expect(b.stdout).not.toContain(Buffer.from('s3cr3t-value-e2e-b-1').toString('base64'));
    kubectl('-n', 'e2e-b', 'delete', 'configmap/cm-5', 'deployment/app-5', 'secret/secret-1');

    const dry = await plumb('restore', id, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect((await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/e2e-b/configmaps/cm-5')).status).toBe(404);

    const r = await plumb('restore', id, '--auto-approve');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const after = refs.map((ref) => kubectl('-n', 'e2e-b', 'get', ref.split(':')[0] + '/' + ref.split('/')[1], '-o', 'json'));
    const config = (text: string) => {
      const o = JSON.parse(text);
      delete o.status;
      for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields']) delete o.metadata[f];
      return o;
    };
    expect(after.map(config)).toEqual(before.map(config));
  });

  it('reports a field another manager owns with that manager named, and --force-conflicts takes it over', async () => {
    const takeover = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-9', namespace: 'e2e-a' }, data: { LOG_LEVEL: 'warn' } };
    const file = join(repo, 'takeover.yaml');
    writeFileSync(file, JSON.stringify(takeover));
    kubectl('apply', '--server-side', '--force-conflicts', '--field-manager=ops-console', '-f', file);
    const plan = await planJson();
    expect(changed(plan)).toEqual(['update configmap:e2e-a/cm-9']);
    const refused = await plumb('apply', '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr + refused.stdout).toContain('field conflict on configmap:e2e-a/cm-9: fields are owned by "ops-console"');
    const forced = await plumb('apply', '--auto-approve', '--force-conflicts');
    expect(forced.code, forced.stderr).toBe(0);
    expect(kubectl('-n', 'e2e-a', 'get', 'configmap/cm-9', '-o', 'jsonpath={.data.LOG_LEVEL}')).toBe('info');
  });

  it('with a ServiceAccount limited to one namespace: works there, and outside names verb, resource and namespace without applying anything', async () => {
    const token = await serviceAccountToken(c, {
      namespace: 'e2e-team',
      name: 'plumb',
      rules: [
        {
          apiGroups: ['', 'apps'],
          resources: ['configmaps', 'deployments', 'services', 'secrets'],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
      ],
    });
    const kubeconfig = writeKubeconfig(c, token, 'e2e-team');
    const team = mkdtempSync(join(tmpdir(), 'plumb-k8s-team-'));
    try {
      writeK8sRepo(team, { namespaces: [], configMaps: 0 });
      mkdirSync(join(team, 'inventory'), { recursive: true });
      const cm = (ns: string, name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {a: "1"}\n`;
      writeFileSync(join(team, 'inventory', 'team.yaml'), cm('e2e-team', 'settings'));
      const inside = await runCli(['apply', '--auto-approve', '--repo', team, '--kubeconfig', kubeconfig]);
      expect(inside.code, inside.stderr).toBe(0);
      expect((await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/e2e-team/configmaps/settings')).status).toBe(200);

      writeFileSync(join(team, 'inventory', 'team.yaml'), cm('e2e-team', 'settings') + '---\n' + cm('e2e-team', 'more') + '---\n' + cm('default', 'outside'));
      const outside = await runCli(['apply', '--auto-approve', '--repo', team, '--kubeconfig', kubeconfig]);
      expect(outside.code).toBe(1);
      expect(outside.stderr).toContain('forbidden: cannot list configmaps in namespace "default"');
      expect(outside.stderr).not.toMatch(/\n\s+at /);
      // not a partial apply: the allowed object was not written either
      expect((await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/e2e-team/configmaps/more')).status).toBe(404);
    } finally {
      rmSync(team, { recursive: true, force: true });
    }
  });

  it('keeps its audit log and backups outside the work tree', () => {
    expect(existsSync(join(repo, '.plumb', 'audit.jsonl'))).toBe(true);
    const audit = readFileSync(join(repo, '.plumb', 'audit.jsonl'), 'utf8');
    expect(audit).not.toContain(Buffer.from('s3cr3t-value-e2e-a-0').toString('base64'));
  });
});
