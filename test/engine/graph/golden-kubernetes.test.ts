import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { fixture } from '../../helpers/run-cli.js';

describe('the graph of a repository with Kubernetes manifests', () => {
  it('holds the declared relations and exactly these inferred edges', async () => {
    const repo = await loadRepository({ repo: fixture('validate-graph-kubernetes') });
    const { graph, diagnostics } = validateRepository(repo);
    expect(diagnostics).toEqual([]);
    const edges = graph.mapEdges((_e, a, s, t) => `${s} -${a.type}-> ${t}`);
    expect({
      declared: graph.filterEdges((_e, a) => !a.inferred).map((e) => edges[graph.edges().indexOf(e)]),
      inferred: graph.filterEdges((_e, a) => a.inferred).map((e) => edges[graph.edges().indexOf(e)]),
    }).toEqual({
      declared: ['box:shop/storefront -dependsOn-> ingress:shop/web', 'deployment:shop/api -dependsOn-> statefulset:shop/orders-db'],
      inferred: [
        // Service → the workloads its selector picks
        'service:shop/api -dependsOn-> deployment:shop/api',
        // workload → what its pod spec uses (volumes, env valueFrom, serviceAccountName; imagePullSecrets `registry` is not in the inventory)
        'deployment:shop/api -dependsOn-> persistentvolumeclaim:shop/uploads',
        'deployment:shop/api -dependsOn-> secret:shop/orders-db-creds',
        'deployment:shop/api -dependsOn-> serviceaccount:shop/api',
        'service:shop/orders-db -dependsOn-> statefulset:shop/orders-db',
        'statefulset:shop/orders-db -dependsOn-> secret:shop/orders-db-creds',
        'cronjob:shop/orders-db-backup -dependsOn-> secret:shop/orders-db-creds',
        // Ingress → default backend and rule backends (`not-in-inventory` is skipped)
        'ingress:shop/web -dependsOn-> service:shop/frontend',
        'ingress:shop/web -dependsOn-> service:shop/api',
        'service:shop/frontend -dependsOn-> deployment:shop/frontend',
        'deployment:shop/frontend -dependsOn-> configmap:shop/frontend-config',
      ],
    });
  });
});
