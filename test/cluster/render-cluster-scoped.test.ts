import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeGitRepo, removeGitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { toolPath } from '../../engine/render/tools.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, type ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

// a chart that ships a cluster-scoped custom kind and an object of it, as cert-manager's chart ships ClusterIssuer.
// plumb gives every rendered object that is not a built-in cluster-scoped kind the release namespace (render-unit.ts);
// helm install asks the cluster's REST mapping instead. The API server clears a namespace sent for a cluster-scoped
// object, so the object is created without one and the next plan is empty: no drift on every plan.
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: clusterissuers.rcs.plumb.test
spec:
  group: rcs.plumb.test
  scope: Cluster
  names: {kind: ClusterIssuer, plural: clusterissuers, singular: clusterissuer, listKind: ClusterIssuerList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                server: {type: string}
`;
const FILES: Record<string, string> = {
  'plumb.yaml': `inventory: ["inventory/**/*.yaml"]
render:
  kubeVersion: "1.36.3"
  releases:
    - chart: inventory/charts/issuer
      name: issuer
      namespace: rcs-system
targets:
  k8s: {provider: kubernetes, kubeVersion: "1.36.3"}
`,
  'inventory/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: rcs-system\n',
  'inventory/charts/issuer/Chart.yaml': 'apiVersion: v2\nname: issuer\nversion: 1.0.0\n',
  'inventory/charts/issuer/values.yaml': 'server: https://acme.example/directory\n',
  'inventory/charts/issuer/templates/crd.yaml': CRD,
  'inventory/charts/issuer/templates/issuer.yaml':
    'apiVersion: rcs.plumb.test/v1\nkind: ClusterIssuer\nmetadata:\n  name: {{ .Release.Name }}-acme\nspec:\n  server: {{ .Values.server }}\n',
  'inventory/charts/issuer/templates/config.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  server: {{ .Values.server }}\n',
};

describeCluster('a chart rendering a cluster-scoped custom kind', (cluster) => {
  let dir: string;
  let c: ControlPlaneInfo;
  const plumb = (...args: string[]) => runCli([...args, '--repo', dir, '--kubeconfig', c.kubeconfig]);
  beforeAll(() => {
    if (!toolPath('helm')) throw new Error('helm is needed: run test/tools/build.sh');
    c = cluster();
    dir = makeGitRepo(FILES, { message: 'issuer chart' });
  });
  afterAll(async () => {
    await apiCall(c, c.adminToken, 'DELETE', '/api/v1/namespaces/rcs-system').catch(() => undefined);
    if (dir) removeGitRepo(dir);
  }, 120_000);

  it('is created cluster-scoped (the API server drops the release namespace plumb gives it) and plans nothing once applied', async () => {
    const p = await plumb('plan', '-o', 'json');
    expect(p.code, p.stderr).toBe(0);
    const plan = JSON.parse(p.stdout);
    const issuer = (plan.changes as Obj[]).find((ch) => ch.id === 'clusterissuer:_cluster/issuer-acme');
    expect(issuer?.action, JSON.stringify(plan.changes.map((ch: Obj) => ch.id))).toBe('create');
    const a = await plumb('apply', '--auto-approve');
    expect(a.code, a.stderr + a.stdout).toBe(0);
    const live = await apiCall(c, c.adminToken, 'GET', '/apis/rcs.plumb.test/v1/clusterissuers/issuer-acme');
    expect(live.body.metadata.namespace).toBeUndefined();
    const again = await plumb('plan', '-o', 'json');
    expect(again.code, again.stderr).toBe(0);
    const changes = (JSON.parse(again.stdout).changes as Obj[]).filter((ch) => ch.action !== 'noop');
    expect(changes).toEqual([]);
  }, 180_000);
});
