/**
 * observed/snapshot.yaml is the "embedded default" actual state: `npm start`
 * plans inventory/ against it, offline. It must keep real drift of every kind —
 * creates, updates, deletes, unmanaged objects, and observed-only fields that
 * are not drift — and these tests say exactly which.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredDifferences } from './declared-differences.js';
import { ROOT, identity, readDocs, readYaml, type Doc } from './read-example.js';

const MANAGED = 'plumb.io/managed-by';
const config = readYaml('plumb.yaml');
const snapshot = readYaml('observed/snapshot.yaml');
const desired = new Map(readDocs('inventory').map((d) => [d.id, d.doc]));
const observed = new Map<string, Doc>(snapshot.objects.map((o: Doc) => [identity(o), o]));

/** ignoreDifferences of plumb.yaml that apply to one desired document. */
function ignoredPointers(doc: Doc): string[] {
  // capacity signals describe what to forecast, not the object: never drift
  return [
    '/capacity',
    ...(config.ignoreDifferences as Doc[])
      .filter(
        (rule) =>
          (!rule.kind || rule.kind === doc.kind) &&
          (!rule.namespace || rule.namespace === doc.metadata.namespace) &&
          (!rule.name || rule.name === doc.metadata.name),
      )
      .flatMap((rule: Doc) => rule.pointers as string[]),
  ];
}

function drift() {
  const result = { create: [] as string[], update: {} as Record<string, string[]>, noop: 0, delete: [] as string[], unmanaged: [] as string[] };
  for (const [id, doc] of desired) {
    const twin = observed.get(id);
    if (!twin) result.create.push(id);
    else {
      const ignored = ignoredPointers(doc);
      const paths = declaredDifferences(doc, twin).filter((p) => !ignored.some((i) => p === i || p.startsWith(`${i}/`)));
      if (paths.length) result.update[id] = paths;
      else result.noop++;
    }
  }
  for (const [id, o] of observed) {
    if (desired.has(id)) continue;
    (o.metadata.labels?.[MANAGED] === 'plumb' ? result.delete : result.unmanaged).push(id);
  }
  result.create.sort();
  return result;
}

describe('the recorded snapshot of the example', () => {
  it('is a Snapshot document of the target shop, sorted by identity', () => {
    expect({ apiVersion: snapshot.apiVersion, kind: snapshot.kind, metadata: snapshot.metadata }).toEqual({
      apiVersion: 'plumb.io/v1',
      kind: 'Snapshot',
      metadata: { name: 'shop', takenAt: '2026-11-20T10:00:00Z', target: 'shop' },
    });
    const order = [...observed.keys()];
    expect(order).toEqual([...order].sort());
    expect(observed.size).toBe(snapshot.objects.length);
  });

  it('drifts from inventory/ by 3 creates, 7 updates, 3 deletes and 3 unmanaged objects', () => {
    expect(drift()).toEqual({
      create: ['configmap:shop/shop-feature-flags', 'endpoint:shop/psp-adyen', 'horizontalpodautoscaler:shop/checkout-api'],
      update: {
        'cluster:default/shop-k8s': ['/spec/version'],
        'configmap:shop/catalog-config': ['/data/CACHE_TTL_SECONDS'],
        'database:shop/orders-db': ['/spec/version'],
        'deployment:shop/catalog-api': ['/spec/replicas', '/spec/template/spec/containers/catalog-api/image'],
        'deployment:shop/checkout-api': ['/spec/template/spec/containers/checkout-api/envFrom'],
        'host:shop/web-2': ['/spec/memoryGb'],
        'secret:shop/payment-psp-credentials': ['/data/STRIPE_API_KEY', '/data/ADYEN_API_KEY'],
      },
      noop: 61,
      delete: ['database:shop/legacy-orders-db', 'deployment:shop/recommendations-api', 'service:shop/recommendations-api'],
      unmanaged: ['configmap:shop/kube-root-ca.crt', 'host:shop/jumpbox-1', 'serviceaccount:shop/default'],
    });
  });

  it('differs from Git in the HPA-managed replicas of checkout-api only where plumb.yaml says to ignore it', () => {
    const git = desired.get('deployment:shop/checkout-api')!;
    const live = observed.get('deployment:shop/checkout-api')!;
    expect({ git: git.spec.replicas, live: live.spec.replicas }).toEqual({ git: 3, live: 6 });
    expect(config.ignoreDifferences).toEqual([{ kind: 'Deployment', namespace: 'shop', name: 'checkout-api', pointers: ['/spec/replicas'] }]);
  });

  it('carries observed-only fields (status, defaults) that are not drift', () => {
    const service = observed.get('service:shop/catalog-api')!;
    expect(service.spec.clusterIP).toMatch(/^10\.43\./);
    expect(declaredDifferences(desired.get('service:shop/catalog-api'), service)).toEqual([]);
    const withStatus = [...observed.values()].filter((o) => o.status !== undefined).length;
    expect(withStatus).toBeGreaterThan(40);
  });

  it('labels what plumb created, and only the deleted tier-1 object is tier 1', () => {
    const managedDesired = [...desired.keys()].filter((id) => observed.has(id) && observed.get(id)!.metadata.labels?.[MANAGED] !== 'plumb');
    expect(managedDesired).toEqual([]);
    const tiers = drift().delete.map((id) => [id, observed.get(id)!.metadata.labels.tier]);
    expect(tiers).toEqual([
      ['database:shop/legacy-orders-db', '1'],
      ['deployment:shop/recommendations-api', '3'],
      ['service:shop/recommendations-api', '3'],
    ]);
  });

  it('is read by the snapshot provider without diagnostics', async () => {
    const { readSnapshot } = await import('../../../engine/providers/snapshot/read-snapshot.js');
    const { snapshot: read, diagnostics } = await readSnapshot(join(ROOT, 'observed/snapshot.yaml'), 'observed/snapshot.yaml');
    expect(diagnostics).toEqual([]);
    expect(read?.objects).toHaveLength(74);
  });

  it('is the target of the example plumb.yaml, which the config loader accepts', async () => {
    const { loadConfig } = await import('../../../engine/config/load-config.js');
    const { config: loaded, diagnostics } = await loadConfig({ root: ROOT });
    expect(diagnostics).toEqual([]);
    expect({ targets: loaded.targets, defaultTarget: loaded.defaultTarget, backup: loaded.backup, sync: loaded.sync }).toEqual({
      targets: { shop: { provider: 'snapshot', path: 'observed/snapshot.yaml' } },
      defaultTarget: 'shop',
      backup: { store: 'dir', path: '.plumb/backups' },
      sync: { policy: 'manual', selfHeal: false, prune: true },
    });
  });
});
