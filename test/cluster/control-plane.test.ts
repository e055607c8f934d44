import { expect, it } from 'vitest';
import { describeCluster } from './cluster-test.js';
import { apiCall, serviceAccountToken } from './control-plane.js';

describeCluster('the test control plane', (cluster) => {
  it('serves the API to the admin token and stores objects in etcd', async () => {
    const c = cluster();
    const created = await apiCall(c, c.adminToken, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'cp-smoke' },
    });
    expect(created.status).toBe(201);
    const read = await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/cp-smoke');
    expect(read.body.metadata.name).toBe('cp-smoke');
  });

  it('hands out ServiceAccount tokens limited by RBAC to one namespace', async () => {
    const c = cluster();
    const token = await serviceAccountToken(c, {
      namespace: 'cp-limited',
      name: 'reader',
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    });
    const inside = await apiCall(c, token, 'GET', '/api/v1/namespaces/cp-limited/configmaps');
    const outside = await apiCall(c, token, 'GET', '/api/v1/namespaces/default/configmaps');
    expect([inside.status, outside.status]).toEqual([200, 403]);
  });
});
