import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';

/**
 * A Git-less plumb repository of Kubernetes manifests for the integration
 * tests and the kubectl benchmark: Namespaces, a CRD with custom resources,
 * and per namespace ConfigMaps, Secrets, Deployments and Services (each
 * Service selecting its Deployment). One file per kind and namespace, so a
 * test can remove a group of CIs by deleting one file.
 */
export interface K8sFixtureOptions {
  readonly namespaces: readonly string[];
  readonly configMaps?: number;
  readonly secrets?: number;
  readonly deployments?: number;
  /** Custom resources (kind Widget, group e2e.plumb.io) in the first namespace; 0 = no CRD. */
  readonly widgets?: number;
  /** Extra plumb.yaml target settings (YAML mapping lines, indented by 4). */
  readonly targetSettings?: string;
}

type Obj = Record<string, unknown>;

export const WIDGET_CRD: Obj = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.e2e.plumb.io' },
  spec: {
    group: 'e2e.plumb.io',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 1 }, color: { type: 'string' } } } },
          },
        },
      },
    ],
  },
};

export function k8sDocuments(opts: K8sFixtureOptions): Map<string, Obj[]> {
  const files = new Map<string, Obj[]>();
  files.set(
    'inventory/namespaces.yaml',
    opts.namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
  if (opts.widgets) {
    const ns = opts.namespaces[0];
    files.set('inventory/crd.yaml', [WIDGET_CRD]);
    files.set(
      `inventory/${ns}/widgets.yaml`,
      Array.from({ length: opts.widgets }, (_, i) => ({
        apiVersion: 'e2e.plumb.io/v1',
        kind: 'Widget',
        metadata: { name: `widget-${i}`, namespace: ns },
        spec: { color: i % 2 ? 'red' : 'blue' },
      })),
    );
  }
  for (const ns of opts.namespaces) {
    const n = (count: number | undefined) => Array.from({ length: count ?? 0 }, (_, i) => i);
    files.set(
      `inventory/${ns}/configmaps.yaml`,
      n(opts.configMaps).map((i) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${i}`, namespace: ns, labels: { app: `app-${i % Math.max(1, opts.deployments ?? 1)}` } },
        data: { LOG_LEVEL: 'info', INDEX: String(i) },
      })),
    );
    files.set(
      `inventory/${ns}/secrets.yaml`,
      n(opts.secrets).map((i) => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `secret-${i}`, namespace: ns },
        type: 'Opaque',
        data: { password: Buffer.from(`s3cr3t-value-${ns}-${i}`).toString('base64') },
      })),
    );
    files.set(
      `inventory/${ns}/deployments.yaml`,
      n(opts.deployments).map((i) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${i}`, namespace: ns },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: `app-${i}` } },
          template: {
            metadata: { labels: { app: `app-${i}` } },
            spec: {
              containers: [
                {
                  name: 'main',
                  image: `registry.example.com/app-${i}:1.0.0`,
                  ports: [{ name: 'http', containerPort: 8080 }],
                  envFrom: opts.configMaps && i < opts.configMaps ? [{ configMapRef: { name: `cm-${i}` } }] : undefined,
                },
              ],
            },
          },
        },
      })),
    );
    files.set(
      `inventory/${ns}/services.yaml`,
      n(opts.deployments).map((i) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `app-${i}`, namespace: ns },
        spec: { selector: { app: `app-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      })),
    );
  }
  for (const [k, v] of files) if (v.length === 0) files.delete(k);
  return files;
}

/** Writes the repository (plumb.yaml with one `k8s` kubernetes target) and returns the manifest count. */
export function writeK8sRepo(root: string, opts: K8sFixtureOptions): number {
  let count = 0;
  for (const [file, docs] of k8sDocuments(opts)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), docs.map((d) => jsYaml.dump(JSON.parse(JSON.stringify(d)), { lineWidth: -1 })).join('---\n'));
    count += docs.length;
  }
  writeFileSync(
    join(root, 'plumb.yaml'),
    `targets:\n  k8s:\n    provider: kubernetes\n${opts.targetSettings ?? ''}defaultTarget: k8s\nbackup:\n  store: dir\n  path: .plumb/backups\n`,
  );
  return count;
}

/** Writes the bare manifests only (for `kubectl diff/apply -f DIR`). */
export function writeManifestDir(dir: string, opts: K8sFixtureOptions): number {
  let count = 0;
  for (const [file, docs] of k8sDocuments(opts)) {
    const target = join(dir, file.replace(/^inventory\//, '').replace(/\//g, '__'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(target, docs.map((d) => jsYaml.dump(JSON.parse(JSON.stringify(d)), { lineWidth: -1 })).join('---\n'));
    count += docs.length;
  }
  return count;
}
