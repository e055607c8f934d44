import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubernetesProvider } from '../../../../engine/providers/kubernetes/kubernetes-provider.js';
import { makeCI, signal } from '../make-ci.js';

const GV = 'rbac.authorization.k8s.io/v1';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** rbac/v1 as a newer server might serve it: ClusterRole without `aggregationRule`, and a required `rules`. */
const skewedDoc = {
  openapi: '3.0.0',
  components: {
    schemas: {
      'io.k8s.api.rbac.v1.ClusterRole': {
        type: 'object',
        required: ['rules'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { allOf: [ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')] },
          rules: { type: 'array', items: { allOf: [ref('io.k8s.api.rbac.v1.PolicyRule')] } },
        },
        'x-kubernetes-group-version-kind': [{ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' }],
      },
    },
  },
};

/** An API server on 127.0.0.1 answering /version, /openapi/v3 and rbac/v1's document; 404 for the rest (so no dry run projects). */
async function apiServer(gitVersion: string) {
  const asked: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    asked.push(path);
    const body =
      path === '/version'
        ? { gitVersion }
        : path === '/openapi/v3'
          ? { paths: { [`apis/${GV}`]: { serverRelativeURL: `/openapi/v3/apis/${GV}?hash=ABC` } } }
          : path === `/openapi/v3/apis/${GV}`
            ? skewedDoc
            : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, asked, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

async function providerFor(gitVersion: string) {
  const api = await apiServer(gitVersion);
  const dir = mkdtempSync(join(tmpdir(), 'plumb-skew-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: api.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  const provider = createKubernetesProvider({ kubeconfig, retry: { attempts: 1, baseMs: 1, maxMs: 1 } });
  cleanup.push(
    () => api.server.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { provider, asked: api.asked };
}

const role = makeCI({
  apiVersion: GV,
  kind: 'ClusterRole',
  metadata: { name: 'reader' },
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] },
  // .rules[0].extra: unknown to both schemas, so plumb validate says it and the plan does not repeat it
  rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'], extra: true }],
});

describe("built-in kinds against the server's schema when its version differs from the pinned one (version skew)", () => {
  it('a server of another minor: the problems only its schema finds, at their fields; what the pinned schema finds is not said twice', async () => {
    const { provider } = await providerFor('v1.37.1');
    const { diagnostics } = await provider.diff({ desired: role } as Parameters<typeof provider.diff>[0], signal());
    expect(diagnostics.map((d) => [d.code, d.fields, d.message])).toEqual([
      [
        expect.any(String),
        ['.aggregationRule'],
        expect.stringMatching(/^ClusterRole .*aggregationRule.*\(the API server's schema, Kubernetes 1\.37; plumb validate checks v1\.36\.3\)$/),
      ],
    ]);
  });

  it('a server of the pinned minor is not asked for its schemas', async () => {
    const { provider, asked } = await providerFor('v1.36.9+k3s1');
    const { diagnostics } = await provider.diff({ desired: role } as Parameters<typeof provider.diff>[0], signal());
    expect(diagnostics).toEqual([]);
    expect(asked.filter((p) => p.startsWith('/openapi'))).toEqual([]);
    expect(asked).toContain('/version');
  });
});
