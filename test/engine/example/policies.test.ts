/**
 * The example's policies exercise every scope and action, and are tuned to the
 * example: `plumb validate` passes (audits only), and a plan against the
 * recorded snapshot denies exactly the tier-1 delete, excepts the cluster
 * upgrade, and warns about the number of deletes (and, out of hours, the window).
 */
import { describe, expect, it } from 'vitest';
import { ROOT, readDocs } from './read-example.js';

const docs = readDocs('policies');
const policies = docs.filter((d) => d.doc.kind === 'Policy').map((d) => d.doc);
const exceptions = docs.filter((d) => d.doc.kind === 'PolicyException').map((d) => d.doc);
const inventoryIds = new Set(readDocs('inventory').map((d) => d.id));

/** Friday 10:00 UTC, inside the change window; and Saturday night, outside it. */
const IN_WINDOW = new Date('2026-11-20T10:00:00Z');
const OUT_OF_WINDOW = new Date('2026-11-21T22:00:00Z');

type Change = { readonly id: string; readonly action: 'create' | 'update' | 'delete'; readonly paths?: readonly string[] };

let loading: ReturnType<typeof loadEngine> | undefined;
/** The real loader, validator and policy engine over the example, loaded once. */
const engine = () => (loading ??= loadEngine());

async function loadEngine() {
  const { loadRepository } = await import('../../../engine/load/load-repository.js');
  const { validateRepository } = await import('../../../engine/validate/validate.js');
  const { loadPolicies } = await import('../../../engine/policy/load-policies.js');
  const { evaluatePolicies } = await import('../../../engine/policy/evaluate.js');
  const { evaluateInventoryPolicies } = await import('../../../engine/policy/evaluate-inventory.js');
  const { simulateImpact } = await import('../../../engine/impact/simulate.js');
  const repo = await loadRepository({ repo: ROOT });
  const { graph } = validateRepository(repo);
  const loaded = loadPolicies(repo.policyDocuments, repo.locate);
  const changeResults = (changes: readonly Change[], now: Date) =>
    evaluatePolicies({
      policies: loaded.policies,
      exceptions: loaded.exceptions,
      scope: 'change',
      graph,
      changes,
      now,
      simulate: (req) => simulateImpact(graph, req),
    }).results.map((r) => ({ policy: r.policy, ci: r.ci, outcome: r.outcome, ...(r.exception ? { exception: r.exception } : {}) }));
  return { repo, graph, loaded, changeResults, evaluateInventoryPolicies };
}

describe('the bundled example policies', () => {
  it('cover every scope and action', () => {
    expect(policies.map((p) => [p.metadata.name, p.spec.scope, p.spec.action])).toEqual([
      ['no-tier1-delete', 'change', 'deny'],
      ['change-window', 'change', 'warn'],
      ['max-blast-radius', 'change', 'deny'],
      ['high-risk-change', 'change', 'warn'],
      ['prod-owner', 'inventory', 'deny'],
      ['prod-database-backup', 'inventory', 'deny'],
      ['image-pinned-by-digest', 'inventory', 'audit'],
      ['max-deletes-per-plan', 'plan', 'warn'],
    ]);
  });

  it('have one exception, unexpired until mid-2027, naming a real policy and a real CI', () => {
    const names = new Set(policies.map((p) => p.metadata.name));
    expect(exceptions.map((e) => ({ name: e.metadata.name, policies: e.spec.policies, targets: e.spec.targets, expires: e.spec.expires }))).toEqual([
      { name: 'shop-k8s-upgrade-1-31', policies: ['max-blast-radius'], targets: ['cluster:default/shop-k8s'], expires: '2027-06-30' },
    ]);
    expect(exceptions[0].spec.policies.every((p: string) => names.has(p))).toBe(true);
    expect(exceptions[0].spec.targets.every((t: string) => inventoryIds.has(t))).toBe(true);
  });

  it('load and compile without diagnostics', async () => {
    const { loaded } = await engine();
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.policies.map((p) => p.name).sort()).toEqual(policies.map((p) => p.metadata.name).sort());
  });

  it('pass on the inventory as it is, apart from the audit of images pinned by tag', async () => {
    const { repo, graph, evaluateInventoryPolicies } = await engine();
    const report = evaluateInventoryPolicies(repo, graph, { now: IN_WINDOW });
    expect({ denied: report.denied, diagnostics: report.diagnostics }).toEqual({ denied: false, diagnostics: [] });
    expect(report.results.map((r) => [r.policy, r.outcome, r.ci])).toEqual([
      ['image-pinned-by-digest', 'violated', 'deployment:shop/catalog-api'],
      ['image-pinned-by-digest', 'violated', 'deployment:shop/checkout-api'],
      ['image-pinned-by-digest', 'violated', 'deployment:shop/identity-api'],
      ['image-pinned-by-digest', 'violated', 'deployment:shop/order-worker'],
      ['image-pinned-by-digest', 'violated', 'deployment:shop/search-api'],
    ]);
  });

  it('on the snapshot drift in office hours, except the cluster upgrade and let every other change through', async () => {
    const { changeResults } = await engine();
    const drift: Change[] = [
      { id: 'configmap:shop/shop-feature-flags', action: 'create' },
      { id: 'endpoint:shop/psp-adyen', action: 'create' },
      { id: 'horizontalpodautoscaler:shop/checkout-api', action: 'create' },
      { id: 'cluster:default/shop-k8s', action: 'update', paths: ['/spec/version'] },
      { id: 'configmap:shop/catalog-config', action: 'update', paths: ['/data/CACHE_TTL_SECONDS'] },
      { id: 'database:shop/orders-db', action: 'update', paths: ['/spec/version'] },
      { id: 'deployment:shop/catalog-api', action: 'update', paths: ['/spec/replicas'] },
      { id: 'deployment:shop/checkout-api', action: 'update', paths: ['/spec/template/spec/containers/checkout-api/envFrom'] },
      { id: 'host:shop/web-2', action: 'update', paths: ['/spec/memoryGb'] },
      { id: 'secret:shop/payment-psp-credentials', action: 'update', paths: ['/data/STRIPE_API_KEY'] },
    ];
    expect(changeResults(drift, IN_WINDOW)).toEqual([
      { policy: 'max-blast-radius', ci: 'cluster:default/shop-k8s', outcome: 'excepted', exception: 'shop-k8s-upgrade-1-31' },
    ]);
  });

  it('deny deleting a tier-1 CI, and warn about prod changes outside the change window', async () => {
    const { changeResults } = await engine();
    expect(changeResults([{ id: 'database:shop/orders-db', action: 'delete' }], IN_WINDOW)).toEqual([
      { policy: 'no-tier1-delete', ci: 'database:shop/orders-db', outcome: 'violated' },
    ]);
    expect(changeResults([{ id: 'host:shop/web-2', action: 'update', paths: ['/spec/memoryGb'] }], OUT_OF_WINDOW)).toEqual([
      { policy: 'change-window', ci: 'host:shop/web-2', outcome: 'violated' },
    ]);
    expect(changeResults([{ id: 'application:shop/catalog-staging', action: 'update', paths: ['/spec/version'] }], OUT_OF_WINDOW)).toEqual([]);
  });
});
