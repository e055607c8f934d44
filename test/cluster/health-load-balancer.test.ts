import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKubernetesProvider } from '../../engine/providers/kubernetes/kubernetes-provider.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, writeKubeconfig, type ControlPlaneInfo } from './control-plane.js';

const signal = new AbortController().signal;

/**
 * A LoadBalancer Service is healthy once a load-balancer controller has given it an address
 * (status.loadBalancer.ingress), as Argo CD and Flux's kstatus judge it — it was healthy as soon as it
 * existed. The test control plane runs no such controller: the test writes the status subresource itself.
 */
describeCluster('apply health: a LoadBalancer Service waits for its address', (cluster) => {
  let c: ControlPlaneInfo;
  let dir: string;
  let kubeconfig: string;
  const ns = 'hlb';
  const admin = (method: string, path: string, body?: unknown, type?: string) => apiCall(c, c.adminToken, method, path, body, type);

  beforeAll(async () => {
    c = cluster();
    dir = mkdtempSync(join(tmpdir(), 'plumb-health-lb-'));
    kubeconfig = writeKubeconfig(c, c.adminToken, 'health-lb', ns);
    await admin('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const [name, type] of [
      ['lb', 'LoadBalancer'],
      ['lb-stuck', 'LoadBalancer'],
      ['plain', 'ClusterIP'],
    ]) {
      const r = await admin('POST', `/api/v1/namespaces/${ns}/services`, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: { type, selector: { app: name }, ports: [{ port: 80 }] },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is not healthy until status.loadBalancer.ingress holds an address; then it is', async () => {
    const p = createKubernetesProvider({ kubeconfig, pollMs: 50 });
    setTimeout(
      () =>
        void admin(
          'PATCH',
          `/api/v1/namespaces/${ns}/services/lb/status`,
          { status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } },
          'application/merge-patch+json',
        ),
      700,
    );
    const health = await p.health({ ids: ['service:hlb/lb', 'service:hlb/plain'], timeoutMs: 60_000 }, signal);
    expect(health.results).toEqual([
      { id: 'service:hlb/lb', healthy: true, message: 'load balancer at 203.0.113.10' },
      { id: 'service:hlb/plain', healthy: true, message: 'exists' },
    ]);
    await p.close();
  });

  it('at its timeout, says that no load-balancer controller assigned an address', async () => {
    const p = createKubernetesProvider({ kubeconfig, pollMs: 50 });
    const health = await p.health({ ids: ['service:hlb/lb-stuck'], timeoutMs: 1_500 }, signal);
    expect(health.results).toEqual([
      {
        id: 'service:hlb/lb-stuck',
        healthy: false,
        message:
          'not healthy after 2 s: no load-balancer controller has assigned an address (status.loadBalancer.ingress is empty): a cluster without one (kind, bare metal without MetalLB) never does',
      },
    ]);
    await p.close();
  });
});
