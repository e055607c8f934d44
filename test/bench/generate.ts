import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';

/**
 * Synthetic inventories for the benchmarks: a realistic CMDB graph with layered
 * business services → applications → databases/hosts, power-law fan-in (a few
 * hub databases and hosts that most things depend on), Kubernetes manifests
 * (Deployment + Service + ConfigMap per workload, the Service selecting the
 * Deployment), and a recorded snapshot with drift.
 *
 * Deterministic for a given seed. Sizes follow the docs/architecture.md performance notes:
 * ~10 documents per file, ~340 bytes per document.
 */
export interface GenerateOptions {
  readonly cis: number;
  readonly docsPerFile?: number;
  /** Fraction of desired CIs whose observed counterpart differs (default 0.01). */
  readonly drift?: number;
  readonly seed?: number;
  /** Also `git init` and commit everything (for --rev / review benchmarks). */
  readonly git?: boolean;
}

export interface GeneratedInventory {
  readonly root: string;
  readonly cis: number;
  readonly files: number;
  readonly bytes: number;
  /** The most depended-on CI (the hub database). */
  readonly hub: string;
  /** Identities drifted in the snapshot, by kind of drift. */
  readonly drift: { readonly updated: number; readonly missing: number; readonly deleted: number; readonly unmanaged: number };
}

type Doc = Record<string, any>;

/** mulberry32: a small seeded generator, so synthetic data is the same every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds the desired documents for `n` CIs, in file-sized chunks by layer. */
export function generateDocuments(n: number, seed = 1): { docs: Doc[]; hub: string } {
  const rand = rng(seed);
  /** Power-law pick: index 0 is chosen far more often than the tail. */
  const zipf = (count: number) => Math.min(count - 1, Math.floor(count * rand() ** 3));
  const pick = (count: number) => Math.floor(rand() * count);
  const count = (fraction: number, min: number) => Math.max(min, Math.round(n * fraction));

  const nGroups = count(0.002, 3);
  const nBackup = count(0.001, 2);
  const nBs = count(0.01, 3);
  const nHosts = count(0.12, 4);
  const nDbs = count(0.06, 2);
  const nApps = count(0.2, 3);
  const nEndpoints = count(0.04, 1);
  const nClusters = 2;
  const fixed = nGroups + nBackup + nBs + nHosts + nDbs + nApps + nEndpoints + nClusters;
  const nWorkloads = Math.max(0, Math.floor((n - fixed) / 3));
  const namespaces = Math.max(1, Math.min(50, Math.ceil(nWorkloads / 200)));
  const crit = ['critical', 'high', 'medium', 'low'];
  const env = (i: number) => (i % 10 < 7 ? 'prod' : 'staging');
  const meta = (name: string, i: number, extra: Doc = {}) => ({
    name,
    namespace: 'shop',
    labels: { env: env(i), tier: String((i % 3) + 1) },
    owner: `group:shop/team-${pick(nGroups)}`,
    ...extra,
  });
  const plumb = (kind: string, metadata: Doc, spec: Doc, relations?: Doc[]) => ({
    apiVersion: 'plumb.io/v1',
    kind,
    metadata,
    spec,
    ...(relations && relations.length ? { relations } : {}),
  });

  const docs: Doc[] = [];
  for (let i = 0; i < nGroups; i++)
    docs.push(plumb('Group', { name: `team-${i}`, namespace: 'shop' }, { displayName: `Team ${i}`, email: `team-${i}@example.com` }));
  for (let i = 0; i < nBackup; i++) docs.push(plumb('BackupPolicy', meta(`backup-${i}`, i), { schedule: '0 2 * * *', retentionDays: 30 }));
  for (let i = 0; i < nBs; i++) docs.push(plumb('BusinessService', meta(`service-${i}`, i), { criticality: crit[i % 4], rto: '4h', rpo: '15m' }));
  for (let i = 0; i < nClusters; i++) docs.push(plumb('Cluster', meta(`k8s-${i}`, i), { version: '1.36', nodes: 12 }));
  for (let i = 0; i < nHosts; i++) {
    const rel: Doc[] = [];
    if (i > 0 && i % 25 === 0) rel.push({ type: 'connectsTo', target: `host:host-${i - 1}` });
    docs.push(plumb('Host', meta(`host-${i}`, i), { os: 'debian-12', cpus: 8, memoryGb: 32, location: `dc-${i % 3}` }, rel));
  }
  for (let i = 0; i < nDbs; i++) {
    const rel = [
      { type: 'runsOn', target: `host:host-${zipf(nHosts)}` },
      { type: 'backedUpBy', target: `backuppolicy:backup-${pick(nBackup)}` },
    ];
    docs.push(plumb('Database', meta(`db-${i}`, i), { engine: i % 5 === 0 ? 'mysql' : 'postgres', version: '16', port: 5432, storageGb: 100 }, rel));
  }
  for (let i = 0; i < nApps; i++) {
    const rel: Doc[] = [
      { type: 'dependsOn', target: `database:db-${zipf(nDbs)}` },
      { type: 'runsOn', target: `host:host-${zipf(nHosts)}` },
      { type: 'partOf', target: `businessservice:service-${pick(nBs)}` },
    ];
    if (rand() < 0.3) rel.push({ type: 'dependsOn', target: `database:db-${pick(nDbs)}` });
    if (i > 0 && rand() < 0.4) rel.push({ type: 'consumesApi', target: `application:app-${pick(i)}` });
    // de-duplicate identical relations (a zipf pick can repeat)
    const seen = new Set<string>();
    const unique = rel.filter((r) => !seen.has(r.type + r.target) && seen.add(r.type + r.target));
    docs.push(
      plumb('Application', meta(`app-${i}`, i), { language: 'go', version: `1.${i % 20}.0`, image: `registry.example.com/app-${i}:1.0.${i % 7}` }, unique),
    );
  }
  for (let i = 0; i < nEndpoints; i++) {
    docs.push(
      plumb('Endpoint', meta(`ep-${i}`, i), { url: `https://ep-${i}.example.com/healthz`, protocol: 'https', expectStatus: 200 }, [
        { type: 'dependsOn', target: `application:app-${pick(nApps)}` },
      ]),
    );
  }
  for (let i = 0; i < nWorkloads; i++) {
    const ns = `ns-${i % namespaces}`;
    const name = `wl-${i}`;
    const labels = { app: name, env: env(i) };
    const relations = jsYaml
      .dump(
        [
          { type: 'runsOn', target: `cluster:shop/k8s-${i % nClusters}` },
          { type: 'partOf', target: `application:shop/app-${pick(nApps)}` },
        ],
        { flowLevel: 0 },
      )
      .trim();
    docs.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-config`, namespace: ns, labels },
      data: { LOG_LEVEL: 'info', FEATURE_X: String(i % 2 === 0) },
    });
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels, annotations: { 'plumb.io/relations': relations } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'main', image: `registry.example.com/${name}:1.0.0`, envFrom: [{ configMapRef: { name: `${name}-config` } }] }] },
        },
      },
    });
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
  }
  return { docs, hub: 'database:shop/db-0' };
}

/** `kind:namespace/name` of a generated document (plumb CIs live in `shop`). */
function idOf(d: Doc): string {
  return `${String(d.kind).toLowerCase()}:${d.metadata.namespace ?? 'default'}/${d.metadata.name}`;
}

/**
 * The observed state for a snapshot: every desired document as a provider would
 * report it (plus fields nobody declared: status, defaults), with `drift` of them
 * changed, some missing (creates), some plumb-created objects no longer in Git
 * (deletes) and some objects nobody manages (unmanaged).
 */
export function observeWithDrift(docs: Doc[], drift: number, seed = 2): { objects: Doc[]; counts: GeneratedInventory['drift'] } {
  const rand = rng(seed);
  const objects: Doc[] = [];
  let updated = 0;
  let missing = 0;
  for (const d of docs) {
    const r = rand();
    if (r < drift * 0.2) {
      missing++;
      continue;
    }
    const o = structuredClone(d);
    o.status = { observedAt: '2026-11-20T10:00:00Z' };
    if (r < drift) {
      updated++;
      if (o.kind === 'Deployment') o.spec.replicas = 3;
      else if (o.kind === 'ConfigMap') o.data.LOG_LEVEL = 'debug';
      else if (o.spec && typeof o.spec === 'object') o.spec.description = 'changed by hand';
      else o.metadata.labels = { ...(o.metadata.labels ?? {}), drifted: 'true' };
    }
    objects.push(o);
  }
  const extra = Math.max(1, Math.round(docs.length * drift * 0.1));
  for (let i = 0; i < extra; i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `orphan-${i}`, namespace: 'ns-0', labels: { 'plumb.io/managed-by': 'plumb' } },
      data: { a: '1' },
    });
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `handmade-${i}`, namespace: 'ns-0' }, data: { b: '2' } });
  }
  return { objects, counts: { updated, missing, deleted: extra, unmanaged: extra } };
}

/**
 * Writes a synthetic repository: inventory/part-NNNNN.yaml, plumb.yaml with a
 * `bench` snapshot target, observed/snapshot.json; optionally a Git commit.
 */
export function generateInventory(root: string, opts: GenerateOptions): GeneratedInventory {
  const perFile = opts.docsPerFile ?? 10;
  const { docs, hub } = generateDocuments(opts.cis, opts.seed ?? 1);
  mkdirSync(join(root, 'inventory'), { recursive: true });
  mkdirSync(join(root, 'observed'), { recursive: true });
  let bytes = 0;
  let files = 0;
  for (let i = 0; i < docs.length; i += perFile) {
    const text = docs
      .slice(i, i + perFile)
      .map((d) => jsYaml.dump(d, { lineWidth: -1, noRefs: true }))
      .join('---\n');
    const dir = join(root, 'inventory', `d${String(Math.floor(files / 500)).padStart(3, '0')}`);
    if (files % 500 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `part-${String(files).padStart(5, '0')}.yaml`), text);
    bytes += Buffer.byteLength(text);
    files++;
  }
  const { objects, counts } = observeWithDrift(docs, opts.drift ?? 0.01);
  writeFileSync(
    join(root, 'observed', 'snapshot.json'),
    JSON.stringify({ apiVersion: 'plumb.io/v1', kind: 'Snapshot', metadata: { name: 'bench', takenAt: '2026-11-20T10:00:00Z' }, objects }),
  );
  writeFileSync(
    join(root, 'plumb.yaml'),
    'targets:\n  bench:\n    provider: snapshot\n    path: observed/snapshot.json\ndefaultTarget: bench\nbackup:\n  store: dir\n  path: .plumb/backups\n',
  );
  if (opts.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'add', '-A');
    git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'synthetic inventory');
  }
  return { root, cis: docs.length, files, bytes, hub, drift: counts };
}

export { idOf };

/**
 * A JSON Schema shaped like a CRD's openAPIV3Schema (cert-manager's: nested
 * objects, arrays of objects, a description on every field) of about `bytes`
 * bytes as JSON, deterministic for a seed. Field names and text are made up.
 */
export function crdSchema(bytes: number, seed = 3): Doc {
  const rand = rng(seed);
  const words = ['the', 'field', 'of', 'a', 'resource', 'reference', 'issuer', 'secret', 'name', 'when', 'set', 'defaults', 'to', 'value', 'must', 'be'];
  const sentence = (n: number) =>
    Array.from({ length: n }, () => words[Math.floor(rand() * words.length)])
      .join(' ')
      .replace(/^./, (c) => c.toUpperCase()) + '.';
  let budget = bytes;
  const scalar = (): Doc => {
    const type = ['string', 'integer', 'boolean'][Math.floor(rand() * 3)];
    const out: Doc = { description: sentence(12 + Math.floor(rand() * 30)), type };
    if (type === 'string' && rand() < 0.2) out.enum = ['Enabled', 'Disabled', 'Auto'];
    if (type === 'integer') out.format = 'int32';
    return out;
  };
  const object = (depth: number): Doc => {
    const properties: Doc = {};
    const count = 3 + Math.floor(rand() * 6);
    for (let i = 0; i < count && budget > 0; i++) {
      const name = `${words[Math.floor(rand() * words.length)]}${String.fromCharCode(65 + i)}${depth}`;
      const r = rand();
      const field =
        depth < 7 && r < 0.35 ? object(depth + 1) : depth < 7 && r < 0.45 ? { description: sentence(10), type: 'array', items: object(depth + 1) } : scalar();
      budget -= JSON.stringify(field).length / (depth + 1);
      properties[name] = field;
    }
    return { description: sentence(20), type: 'object', ...(rand() < 0.3 ? { required: Object.keys(properties).slice(0, 1) } : {}), properties };
  };
  // unknown fields kept, so the bundle's custom resources need not fit the made-up fields
  const spec = { description: 'Desired state of the resource.', type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: {} as Doc };
  for (let i = 0; JSON.stringify(spec).length < bytes; i++) {
    budget = bytes;
    spec.properties[`section${i}`] = object(3);
  }
  return {
    description: sentence(30),
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { description: sentence(25), type: 'string' },
      kind: { description: sentence(25), type: 'string' },
      metadata: { type: 'object' },
      spec,
      status: { description: 'Status of the resource.', type: 'object', properties: { conditions: { type: 'array', items: object(3) } } },
    },
  };
}

/**
 * An operator bundle shaped like kube-prometheus (the repository a plan of
 * 130 objects was 19.4 MB for): ten CustomResourceDefinitions in
 * cert-manager's shape, from 40 KB to 600 KB each, a dashboards ConfigMap
 * holding large JSON, and the workloads, Services, RBAC and custom resources
 * around them (`scale` multiplies the CRDs' and dashboards' sizes). Written as inventory/NNN-kind-name.yaml with a snapshot target
 * `bench` whose observed state is empty, so every object is a create.
 */
export function generateOperatorBundle(root: string, options: { seed?: number; scale?: number } = {}): { objects: number; bytes: number; docs: Doc[] } {
  const seed = options.seed ?? 5;
  const scale = options.scale ?? 1;
  const ns = 'monitoring';
  const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'kube-prometheus', 'app.kubernetes.io/version': '0.80.0' });
  const kinds = [
    'Alertmanager',
    'AlertmanagerConfig',
    'PodMonitor',
    'Probe',
    'Prometheus',
    'PrometheusAgent',
    'PrometheusRule',
    'ScrapeConfig',
    'ServiceMonitor',
    'ThanosRuler',
  ];
  const sizes = [600, 300, 120, 90, 600, 550, 40, 400, 120, 450];
  const docs: Doc[] = kinds.map((kind, i) => {
    const plural = `${kind.toLowerCase()}s`;
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `${plural}.monitoring.example.com`,
        labels: labels('prometheus-operator'),
        annotations: { 'controller-gen.kubebuilder.io/version': 'v0.16.0' },
      },
      spec: {
        group: 'monitoring.example.com',
        names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), categories: ['prometheus-operator'] },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            additionalPrinterColumns: [
              { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
              { jsonPath: '.status.conditions[?(@.type=="Available")].status', name: 'Available', type: 'string' },
            ],
            schema: { openAPIV3Schema: crdSchema(sizes[i] * 1024 * scale, seed + i) },
          },
        ],
      },
    };
  });
  const rand = rng(seed);
  const panels = Array.from({ length: Math.ceil(400 * scale) }, (_, i) => ({
    id: i,
    title: `Panel ${i}`,
    type: 'timeseries',
    targets: [{ expr: `sum(rate(http_requests_total{job="job-${i % 17}"}[5m])) by (code)`, legendFormat: '{{code}}' }],
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(rand() * 100) },
  }));
  docs.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'grafana-dashboards', namespace: ns, labels: labels('grafana') },
    data: Object.fromEntries(Array.from({ length: 6 }, (_, d) => [`dashboard-${d}.json`, JSON.stringify({ title: `Dashboard ${d}`, panels }, null, 2)])),
  });
  docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const components = [
    'alertmanager',
    'blackbox-exporter',
    'grafana',
    'kube-state-metrics',
    'node-exporter',
    'prometheus',
    'prometheus-adapter',
    'prometheus-operator',
  ];
  for (const name of components) {
    const l = labels(name);
    docs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, labels: l } });
    docs.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels: l },
      rules: [{ apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    });
    docs.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: l },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels: l },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels: l },
          spec: {
            serviceAccountName: name,
            containers: [
              {
                name,
                image: `registry.example.com/${name}:v0.80.0`,
                args: ['--web.listen-address=:9090', `--log-level=info`],
                ports: [{ containerPort: 9090, name: 'web' }],
                resources: { limits: { cpu: '200m', memory: '200Mi' }, requests: { cpu: '100m', memory: '100Mi' } },
              },
            ],
          },
        },
      },
    });
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels: l },
      spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'web', port: 9090, targetPort: 'web' }] },
    });
    docs.push({
      apiVersion: 'monitoring.example.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name, namespace: ns, labels: l },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': name } }, endpoints: [{ port: 'web', interval: '30s' }] },
    });
  }
  for (let i = 0; docs.length < 130; i++) {
    docs.push({
      apiVersion: 'monitoring.example.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: `rules-${i}`, namespace: ns, labels: labels('prometheus') },
      spec: {
        groups: [
          {
            name: `group-${i}`,
            rules: Array.from({ length: 8 }, (_, r) => ({
              alert: `Alert${i}x${r}`,
              expr: `sum(rate(errors_total{job="job-${r}"}[5m])) > ${r}`,
              for: '10m',
              labels: { severity: 'warning' },
              annotations: { summary: `Alert ${r} of group ${i} fired` },
            })),
          },
        ],
      },
    });
  }
  mkdirSync(join(root, 'inventory'), { recursive: true });
  mkdirSync(join(root, 'observed'), { recursive: true });
  // one file per object, as kube-prometheus's manifests/ directory
  let bytes = 0;
  docs.forEach((d, i) => {
    const text = jsYaml.dump(d, { lineWidth: -1, noRefs: true });
    bytes += Buffer.byteLength(text);
    writeFileSync(join(root, 'inventory', `${String(i).padStart(3, '0')}-${String(d.kind).toLowerCase()}-${d.metadata.name}.yaml`), text);
  });
  writeFileSync(
    join(root, 'observed', 'snapshot.json'),
    JSON.stringify({ apiVersion: 'plumb.io/v1', kind: 'Snapshot', metadata: { name: 'bench', takenAt: '2026-11-20T10:00:00Z' }, objects: [] }),
  );
  writeFileSync(join(root, 'plumb.yaml'), 'targets:\n  bench:\n    provider: snapshot\n    path: observed/snapshot.json\ndefaultTarget: bench\n');
  return { objects: docs.length, bytes, docs };
}
