import { expect, it } from 'vitest';
import { toCI } from '../../engine/load/to-ci.js';
import type { PlannedChange } from '../../engine/plan/types.js';
import { createKubernetesProvider } from '../../engine/providers/kubernetes/kubernetes-provider.js';
import { describeCluster } from './cluster-test.js';
import { apiCall } from './control-plane.js';

type Obj = Record<string, any>;

const signal = new AbortController().signal;
const idOf = (object: Obj): string =>
  toCI(
    { origin: { file: 'inventory/k8s.yaml', doc: 0, line: 1, column: 1 }, value: object },
    { clusterScopedCustomKinds: new Set(), locate: () => ({ line: 1, column: 1 }) },
  ).ci!.id;
const change = (id: string): PlannedChange => ({ id, action: 'create', wave: 0, patch: [], diff: '', provider: 'kubernetes', target: 'k8s', paths: [] });

/**
 * The post-apply read of the Kubernetes provider against a real API server: the
 * object the server answers a server-side apply with is what it stored, and each
 * declared field must be there as the manifest asks.
 */
describeCluster('kubernetes apply verifies what the server stored', (cluster) => {
  it('a declared field the server stores otherwise is a kubernetes.verify-failed warning naming it; a quantity the server canonicalises is no difference', async () => {
    const c = cluster();
    await apiCall(c, c.adminToken, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.verify.example.com' },
      spec: {
        group: 'verify.example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
          },
        ],
      },
    });
    for (let i = 0; i < 50 && (await apiCall(c, c.adminToken, 'GET', '/apis/verify.example.com/v1')).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 200));
    await apiCall(c, c.adminToken, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kv-verify' } });

    const p = createKubernetesProvider({ kubeconfig: c.kubeconfig, pollMs: 100 });
    try {
      // the API server sets a Namespace's kubernetes.io/metadata.name label to its name, whatever the manifest says, and answers 200
      const namespace = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kv-renamed', labels: { team: 'shop', 'kubernetes.io/metadata.name': 'shop' } },
      };
      const lost = await p.apply({ change: change(idOf(namespace)), desired: namespace, dryRun: false }, signal);
      // stored, so not a failed write; reported as a warning naming the field
      expect(lost.ok).toBe(true);
      expect(lost.diagnostics.map((d) => [d.severity, d.code, d.ci])).toEqual([['warning', 'kubernetes.verify-failed', 'namespace:_cluster/kv-renamed']]);
      expect(lost.diagnostics[0].message).toContain('metadata.labels.kubernetes.io/metadata.name');
      expect(lost.diagnostics[0].message).not.toContain('team');
      const live = await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/kv-renamed');
      expect(live.body.metadata.labels['kubernetes.io/metadata.name']).toBe('kv-renamed');

      // a field a CRD schema does not know is refused by server-side apply (never silently pruned)
      const gadget = { apiVersion: 'verify.example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'kv-verify' }, spec: { size: 3, colour: 'red' } };
      const refused = await p.apply({ change: change(idOf(gadget)), desired: gadget, dryRun: false }, signal);
      expect(refused.ok).toBe(false);
      expect(refused.diagnostics.map((d) => d.code)).toEqual(['kubernetes.invalid']);

      // stored as asked: no diagnostic
      const kept = { ...gadget, metadata: { name: 'h', namespace: 'kv-verify' }, spec: { size: 4 } };
      expect(await p.apply({ change: change(idOf(kept)), desired: kept, dryRun: false }, signal)).toMatchObject({ ok: true, diagnostics: [] });

      // 1000m and 1024Mi come back as 1 and 1Gi: the same quantities, so verified
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'kv-verify' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'api' } },
          template: {
            metadata: { labels: { app: 'api' } },
            spec: { containers: [{ name: 'main', image: 'registry.example.com/api:1', resources: { limits: { cpu: '1000m', memory: '1024Mi' } } }] },
          },
        },
      };
      const applied = await p.apply({ change: change(idOf(deployment)), desired: deployment, dryRun: false }, signal);
      expect(applied.diagnostics).toEqual([]);
      expect(applied.ok).toBe(true);
      expect((applied.observed!.object as Obj).spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    } finally {
      await p.close();
    }
  });
});
