import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../engine/graph/build-graph.js';
import { ci } from '../../helpers/make-repo.js';

const k8s = (apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}, namespace = 'shop') =>
  ci({ apiVersion, kind, name, namespace, extra });
const podTemplate = (labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({
  template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } },
});
const edges = (cis: ReturnType<typeof ci>[]) => buildGraph(cis).graph.mapEdges((_e, a, s, t) => `${s} -${a.type}${a.inferred ? ' (inferred)' : ''}-> ${t}`);

describe('edges inferred from Kubernetes objects', () => {
  it('links a Service to the workloads of its namespace whose pod labels match its whole selector', () => {
    expect(
      edges([
        k8s('v1', 'Service', 'api', { spec: { selector: { app: 'api', tier: 'web' } } }),
        k8s('apps/v1', 'Deployment', 'api', { spec: podTemplate({ app: 'api', tier: 'web', extra: 'x' }) }),
        k8s('apps/v1', 'Deployment', 'api-canary', { spec: podTemplate({ app: 'api' }) }),
        k8s('apps/v1', 'StatefulSet', 'api-other-ns', { spec: podTemplate({ app: 'api', tier: 'web' }) }, 'other'),
        k8s('batch/v1', 'CronJob', 'api-cron', { spec: { jobTemplate: { spec: podTemplate({ app: 'api', tier: 'web' }) } } }),
        k8s('v1', 'Pod', 'api-pod', { spec: { containers: [] } }),
        ci({ apiVersion: 'v1', kind: 'Pod', name: 'labelled-pod', namespace: 'shop', labels: { app: 'api', tier: 'web' }, extra: { spec: {} } }),
        k8s('v1', 'Service', 'headless', { spec: { selector: {} } }),
      ]),
    ).toEqual([
      'service:shop/api -dependsOn (inferred)-> deployment:shop/api',
      'service:shop/api -dependsOn (inferred)-> cronjob:shop/api-cron',
      'service:shop/api -dependsOn (inferred)-> pod:shop/labelled-pod',
    ]);
  });

  it("a custom kind named like a built-in one gets none of the built-in kind's edges: keyed by group and kind", () => {
    // an example.com Deployment with a pod-template-like spec was taken for a workload (a core Service selected it and
    // the edge pointed at deployment:shop/api, the core object's identity), a Knative Service for a selector Service,
    // Knative's networking Ingress for one with backends
    const backends = { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'real', port: { number: 80 } } } }] } }] };
    expect(
      edges([
        k8s('v1', 'Service', 'real', { spec: { selector: { app: 'api' } } }),
        k8s('apps/v1', 'Deployment', 'real', { spec: podTemplate({ app: 'api' }) }),
        k8s('v1', 'ConfigMap', 'cfg'),
        k8s('example.com/v1', 'Deployment', 'api', { spec: podTemplate({ app: 'api' }, { volumes: [{ name: 'v', configMap: { name: 'cfg' } }] }) }),
        k8s('serving.knative.dev/v1', 'Service', 'knative', { spec: { selector: { app: 'api' } } }),
        k8s('networking.internal.knative.dev/v1alpha1', 'Ingress', 'kingress', { spec: backends }),
        k8s('networking.k8s.io/v1', 'Ingress', 'web', { spec: backends }),
      ]),
    ).toEqual(['service:shop/real -dependsOn (inferred)-> deployment:shop/real', 'ingress:shop/web -dependsOn (inferred)-> service:shop/real']);
  });

  it('links an Ingress to the Services its rules and default backend name, in both API shapes', () => {
    expect(
      edges([
        k8s('networking.k8s.io/v1', 'Ingress', 'web', {
          spec: {
            defaultBackend: { service: { name: 'fallback', port: { number: 80 } } },
            rules: [
              {
                http: {
                  paths: [
                    { path: '/', backend: { service: { name: 'api' } } },
                    { path: '/x', backend: { service: { name: 'missing' } } },
                  ],
                },
              },
            ],
          },
        }),
        k8s('extensions/v1beta1', 'Ingress', 'old', { spec: { backend: { serviceName: 'api' } } }),
        k8s('v1', 'Service', 'api'),
        k8s('v1', 'Service', 'fallback'),
      ]),
    ).toEqual([
      'ingress:shop/web -dependsOn (inferred)-> service:shop/fallback',
      'ingress:shop/web -dependsOn (inferred)-> service:shop/api',
      'ingress:shop/old -dependsOn (inferred)-> service:shop/api',
    ]);
  });

  it('links a workload to the ConfigMaps, Secrets, claims and service account it uses, once each', () => {
    const spec = podTemplate(
      { app: 'api' },
      {
        serviceAccountName: 'api',
        imagePullSecrets: [{ name: 'registry' }],
        volumes: [
          { name: 'cfg', configMap: { name: 'api-config' } },
          { name: 'tls', secret: { secretName: 'api-tls' } },
          { name: 'data', persistentVolumeClaim: { claimName: 'api-data' } },
          { name: 'all', projected: { sources: [{ configMap: { name: 'extra' } }, { secret: { name: 'api-tls' } }] } },
        ],
        initContainers: [{ name: 'init', image: 'i', envFrom: [{ secretRef: { name: 'db-creds' } }] }],
        containers: [
          {
            name: 'api',
            image: 'i',
            envFrom: [{ configMapRef: { name: 'api-config' } }],
            env: [
              { name: 'A', valueFrom: { configMapKeyRef: { name: 'flags', key: 'a' } } },
              { name: 'B', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'b' } } },
            ],
          },
        ],
      },
    );
    const names = ['api-config', 'extra', 'flags'].map((n) => k8s('v1', 'ConfigMap', n));
    const secrets = ['api-tls', 'registry', 'db-creds'].map((n) => k8s('v1', 'Secret', n));
    expect(
      edges([
        k8s('apps/v1', 'Deployment', 'api', { spec }),
        ...names,
        ...secrets,
        k8s('v1', 'PersistentVolumeClaim', 'api-data'),
        k8s('v1', 'ServiceAccount', 'api'),
      ]),
    ).toEqual([
      'deployment:shop/api -dependsOn (inferred)-> configmap:shop/api-config',
      'deployment:shop/api -dependsOn (inferred)-> secret:shop/api-tls',
      'deployment:shop/api -dependsOn (inferred)-> persistentvolumeclaim:shop/api-data',
      'deployment:shop/api -dependsOn (inferred)-> configmap:shop/extra',
      'deployment:shop/api -dependsOn (inferred)-> secret:shop/db-creds',
      'deployment:shop/api -dependsOn (inferred)-> configmap:shop/flags',
      'deployment:shop/api -dependsOn (inferred)-> serviceaccount:shop/api',
      'deployment:shop/api -dependsOn (inferred)-> secret:shop/registry',
    ]);
  });

  it('counts a relation both declared and inferred once, as declared', () => {
    expect(
      edges([
        ci({
          apiVersion: 'v1',
          kind: 'Service',
          name: 'api',
          namespace: 'shop',
          extra: { spec: { selector: { app: 'api' } } },
          relations: [{ type: 'dependsOn', target: 'deployment:api' }],
        }),
        k8s('apps/v1', 'Deployment', 'api', { spec: podTemplate({ app: 'api' }) }),
      ]),
    ).toEqual(['service:shop/api -dependsOn-> deployment:shop/api']);
  });
  it('puts what lives in a Namespace under it, and a custom resource after the CRD that defines its kind', () => {
    const crd = ci({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'widgets.example.com',
      namespace: '_cluster',
      extra: { spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' } } },
    });
    expect(
      edges([
        ci({ apiVersion: 'v1', kind: 'Namespace', name: 'shop', namespace: '_cluster' }),
        crd,
        k8s('v1', 'ConfigMap', 'settings'),
        k8s('example.com/v1', 'Widget', 'w1'),
        k8s('other.example.com/v1', 'Widget', 'not-that-group'),
        k8s('v1', 'ConfigMap', 'elsewhere', {}, 'no-namespace-ci'),
      ]),
    ).toEqual([
      'namespace:_cluster/shop -contains (inferred)-> configmap:shop/settings',
      'namespace:_cluster/shop -contains (inferred)-> widget:shop/w1',
      'widget:shop/w1 -dependsOn (inferred)-> customresourcedefinition:_cluster/widgets.example.com',
      'namespace:_cluster/shop -contains (inferred)-> widget:shop/not-that-group',
    ]);
  });
});
