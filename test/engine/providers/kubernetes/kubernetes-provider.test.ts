import { expect, it } from 'vitest';
import { toCI } from '../../../../engine/load/to-ci.js';
import { compareText } from '../../../../engine/model/compare-text.js';
import type { CI } from '../../../../engine/model/ci.js';
import type { PlannedChange } from '../../../../engine/plan/types.js';
import { createKubernetesProvider, type KubernetesProvider } from '../../../../engine/providers/kubernetes/kubernetes-provider.js';
import { describeCluster } from '../../../cluster/cluster-test.js';
import { apiCall, serviceAccountToken, writeKubeconfig } from '../../../cluster/control-plane.js';

type Obj = Record<string, any>;

function ci(object: Obj): CI {
  const { ci } = toCI(
    { origin: { file: 'inventory/k8s.yaml', doc: 0, line: 1, column: 1 }, value: object },
    { clusterScopedCustomKinds: new Set(), locate: () => ({ line: 1, column: 1 }) },
  );
  return ci!;
}

function change(id: string, action: PlannedChange['action']): PlannedChange {
  return { id, action, wave: 0, patch: [], diff: '', provider: 'kubernetes', target: 'k8s', paths: [] };
}

const signal = new AbortController().signal;

const ns = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (namespace: string, name: string, data: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const deployment = (namespace: string, name: string, replicas = 2): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'registry.example.com/api:1.0.0' }] } },
  },
});

async function applyAll(p: KubernetesProvider, objects: Obj[]) {
  for (const o of objects) {
    const c = ci(o);
    const res = await p.apply({ change: change(c.id, 'create'), desired: o, dryRun: false }, signal);
    expect(res.diagnostics).toEqual([]);
  }
}

describeCluster('the kubernetes provider against a real API server', (cluster) => {
  const provider = () => createKubernetesProvider({ kubeconfig: cluster().kubeconfig, pollMs: 100 });

  it('applies with server-side apply, labels what it creates, and discovers it with unmanaged objects beside it', async () => {
    const p = provider();
    await applyAll(p, [ns('kp-discover'), cm('kp-discover', 'settings', { mode: 'on' }), deployment('kp-discover', 'api')]);
    const c = cluster();
    await apiCall(c, c.adminToken, 'POST', '/api/v1/namespaces/kp-discover/configmaps', cm('kp-discover', 'handmade', { x: '1' }));

    const desired = [ns('kp-discover'), cm('kp-discover', 'settings', { mode: 'on' }), deployment('kp-discover', 'api')].map(ci);
    const { observed, diagnostics } = await p.discover({ desired }, signal);
    expect(diagnostics).toEqual([]);
    const byId = Object.fromEntries(observed.map((o) => [o.id, o.managedByPlumb]));
    expect(byId).toMatchObject({
      'namespace:_cluster/kp-discover': true,
      'configmap:kp-discover/settings': true,
      'configmap:kp-discover/handmade': false,
      'deployment:kp-discover/api': true,
    });
    const api = observed.find((o) => o.id === 'deployment:kp-discover/api')!.object as Obj;
    expect(api.metadata.managedFields).toBeUndefined();
    expect(api.metadata.resourceVersion).toBeUndefined();
    expect(api.status).toBeUndefined();
    await p.close();
  });

  it('diffs through a server-side-apply dry run, so defaulted fields appear in the projection and nothing is written', async () => {
    const p = provider();
    await applyAll(p, [ns('kp-diff')]);
    const d = ci(deployment('kp-diff', 'web', 3));
    const { projected, diagnostics } = await p.diff({ desired: d }, signal);
    expect(diagnostics).toEqual([]);
    expect((projected as Obj).spec.revisionHistoryLimit).toBe(10); // defaulted by the API server
    expect((projected as Obj).spec.strategy.type).toBe('RollingUpdate');
    const c = cluster();
    const live = await apiCall(c, c.adminToken, 'GET', '/apis/apps/v1/namespaces/kp-diff/deployments/web');
    expect(live.status).toBe(404); // a dry run writes nothing
    await p.close();
  });

  it('reports a field conflict with the other field manager named, and takes over with forceConflicts', async () => {
    const c = cluster();
    const p = provider();
    await applyAll(p, [ns('kp-conflict')]);
    const other = cm('kp-conflict', 'shared', { owner: 'kubectl' });
    const r = await apiCall(
      c,
      c.adminToken,
      'PATCH',
      '/api/v1/namespaces/kp-conflict/configmaps/shared?fieldManager=kubectl-edit',
      JSON.stringify(other),
      'application/apply-patch+yaml',
    );
    expect(r.status).toBe(201);
    const mine = cm('kp-conflict', 'shared', { owner: 'plumb' });
    const refused = await p.apply({ change: change('configmap:kp-conflict/shared', 'update'), desired: mine, dryRun: false }, signal);
    expect(refused.ok).toBe(false);
    expect(refused.diagnostics.map((d) => [d.code, d.message.includes('"kubectl-edit"')])).toEqual([['kubernetes.conflict', true]]);

    const forced = createKubernetesProvider({ kubeconfig: c.kubeconfig, forceConflicts: true });
    const taken = await forced.apply({ change: change('configmap:kp-conflict/shared', 'update'), desired: mine, dryRun: false }, signal);
    expect(taken.ok).toBe(true);
    expect((taken.observed!.object as Obj).data).toEqual({ owner: 'plumb' });
    await Promise.all([p.close(), forced.close()]);
  });

  it('prunes only objects it labelled', async () => {
    const c = cluster();
    const p = provider();
    await applyAll(p, [ns('kp-prune'), cm('kp-prune', 'mine', { a: '1' })]);
    await apiCall(c, c.adminToken, 'POST', '/api/v1/namespaces/kp-prune/configmaps', cm('kp-prune', 'theirs', { b: '2' }));
    const mine = await p.apply({ change: change('configmap:kp-prune/mine', 'delete'), dryRun: false }, signal);
    const theirs = await p.apply({ change: change('configmap:kp-prune/theirs', 'delete'), dryRun: false }, signal);
    expect([mine.ok, theirs.ok, theirs.diagnostics[0]?.code]).toEqual([true, false, 'kubernetes.prune-unowned']);
    expect((await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/kp-prune/configmaps/theirs')).status).toBe(200);
    await p.close();
  });

  it('backs up live objects, and restore after a delete gives back the same objects', async () => {
    const c = cluster();
    const p = provider();
    await applyAll(p, [ns('kp-backup'), cm('kp-backup', 'conf', { level: 'info' }), deployment('kp-backup', 'worker')]);
    const ids = ['configmap:kp-backup/conf', 'deployment:kp-backup/worker', 'configmap:kp-backup/never-existed'];
    const before = await p.discover({ desired: [cm('kp-backup', 'conf', {}), deployment('kp-backup', 'worker')].map(ci) }, signal);
    const backup = await p.backup({ ids }, signal);
    expect(backup.diagnostics).toEqual([]);
    expect(backup.artifacts.map((a) => [a.id, a.exists])).toEqual([
      ['configmap:kp-backup/conf', true],
      ['configmap:kp-backup/never-existed', false],
      ['deployment:kp-backup/worker', true],
    ]);
    const stored = JSON.parse(new TextDecoder().decode(backup.artifacts[0].data));
    expect([stored.metadata.uid, stored.metadata.resourceVersion, stored.metadata.managedFields, stored.status]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);

    await apiCall(c, c.adminToken, 'DELETE', '/api/v1/namespaces/kp-backup/configmaps/conf');
    await apiCall(c, c.adminToken, 'DELETE', '/apis/apps/v1/namespaces/kp-backup/deployments/worker');
    const dry = await p.restore({ artifacts: backup.artifacts, dryRun: true }, signal);
    expect(dry.ok).toBe(true);
    expect((await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/kp-backup/configmaps/conf')).status).toBe(404);

    const restored = await p.restore({ artifacts: backup.artifacts, dryRun: false }, signal);
    expect(restored).toEqual({ ok: true, restored: ids.slice().sort(), diagnostics: [] });
    const after = await p.discover({ desired: [cm('kp-backup', 'conf', {}), deployment('kp-backup', 'worker')].map(ci) }, signal);
    // the same objects; only field ownership differs: the restore applied every stored field
    // (defaults included) as manager plumb, so plumb now owns them too
    const withoutOwnership = (observed: typeof before.observed) => observed.map(({ owned: _owned, ...rest }) => rest);
    expect(withoutOwnership(after.observed)).toEqual(withoutOwnership(before.observed));
    await p.close();
  });

  it('backs up and health-checks many objects of one kind in a namespace with one list call each, with the same artifacts as reading them one by one', async () => {
    const p = provider();
    const names = Array.from({ length: 12 }, (_, i) => `c-${i}`);
    await applyAll(p, [ns('kp-batch'), ...names.map((n) => cm('kp-batch', n, { n }))]);
    const ids = [...names.map((n) => `configmap:kp-batch/${n}`), 'configmap:kp-batch/absent-1', 'deployment:kp-batch/absent-2'];
    const backup = await p.backup({ ids }, signal);
    expect(backup.diagnostics).toEqual([]);
    expect(backup.artifacts.map((a) => [a.id, a.exists])).toEqual([...ids].sort().map((id) => [id, !id.includes('absent')]));
    const one = provider();
    const single = await Promise.all(ids.map((id) => one.backup({ ids: [id] }, signal)));
    expect(backup.artifacts).toEqual(single.flatMap((b) => b.artifacts).sort((a, b) => compareText(a.id, b.id)));
    await one.close();
    // once the kinds are discovered: one list of the 13 ConfigMaps' collection, one GET for the lone Deployment
    const again = p.client.stats.requests;
    await p.backup({ ids }, signal);
    expect(p.client.stats.requests - again).toBe(2);

    const checked = p.client.stats.requests;
    const health = await p.health({ ids: ids.filter((id) => !id.includes('absent')), timeoutMs: 5_000 }, signal);
    expect(health.results.every((r) => r.healthy)).toBe(true);
    expect(p.client.stats.requests - checked).toBe(1);

    // a role that may get but not list ConfigMaps: the failed list falls back to a GET each, the same backup
    const token = await serviceAccountToken(cluster(), {
      namespace: 'kp-batch',
      name: 'getter',
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    });
    const getter = createKubernetesProvider({ kubeconfig: writeKubeconfig(cluster(), token, 'kp-batch-getter', 'kp-batch') });
    const configMaps = ids.filter((id) => id.startsWith('configmap:'));
    const limited = await getter.backup({ ids: configMaps }, signal);
    expect(limited.diagnostics).toEqual([]);
    expect(limited.artifacts).toEqual(backup.artifacts.filter((a) => a.id.startsWith('configmap:')));
    await getter.close();
    await p.close();
  });

  it('judges health from status: a deployment that stays unavailable fails after the timeout, and passes once available', async () => {
    const c = cluster();
    const p = provider();
    await applyAll(p, [ns('kp-health'), deployment('kp-health', 'slow', 2)]);
    const writeStatus = async (available: number) => {
      const live = await apiCall(c, c.adminToken, 'GET', '/apis/apps/v1/namespaces/kp-health/deployments/slow');
      const status = {
        observedGeneration: live.body.metadata.generation,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: available,
        availableReplicas: available,
      };
      const r = await apiCall(
        c,
        c.adminToken,
        'PATCH',
        '/apis/apps/v1/namespaces/kp-health/deployments/slow/status',
        { status },
        'application/merge-patch+json',
      );
      expect(r.status).toBe(200);
    };
    await writeStatus(0);
    const failed = await p.health({ ids: ['deployment:kp-health/slow'], timeoutMs: 600 }, signal);
    expect(failed.results).toEqual([{ id: 'deployment:kp-health/slow', healthy: false, message: 'not healthy after 1 s: 0 of 2 replicas available' }]);
    await writeStatus(2);
    const ok = await p.health({ ids: ['deployment:kp-health/slow'], timeoutMs: 5_000 }, signal);
    expect(ok.results).toEqual([{ id: 'deployment:kp-health/slow', healthy: true, message: '2 of 2 replicas available' }]);
    await p.close();
  });

  it('with a token limited by RBAC to one namespace, works there and names verb, resource and namespace outside it', async () => {
    const c = cluster();
    const token = await serviceAccountToken(c, {
      namespace: 'kp-team',
      name: 'deployer',
      rules: [{ apiGroups: ['', 'apps'], resources: ['configmaps', 'deployments'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
    });
    const p = createKubernetesProvider({ kubeconfig: writeKubeconfig(c, token, 'kp-team') });
    const inside = await p.apply({ change: change('configmap:kp-team/app', 'create'), desired: cm('kp-team', 'app', { a: '1' }), dryRun: false }, signal);
    expect(inside.diagnostics).toEqual([]);
    const outside = await p.apply({ change: change('configmap:default/app', 'create'), desired: cm('default', 'app', { a: '1' }), dryRun: false }, signal);
    expect(outside.ok).toBe(false);
    expect(outside.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['kubernetes.forbidden', 'forbidden: cannot patch configmaps in namespace "default"'],
    ]);
    const listed = await p.discover({ desired: [cm('kp-team', 'app', {}), cm('default', 'app', {})].map(ci) }, signal);
    expect(listed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      'forbidden: cannot list configmaps in namespace "default"',
    ]);
    expect(listed.observed.map((o) => o.id)).toContain('configmap:kp-team/app');
    await p.close();
  });
});
