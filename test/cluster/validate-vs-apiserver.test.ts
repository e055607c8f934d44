import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRepository } from '../../engine/load/load-repository.js';
import { kubernetesFindings } from '../../engine/validate/check-kubernetes.js';
import { describeCluster } from './cluster-test.js';
import { kubectlPath, type ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, unknown>;
const NS = 'validate-vs-server';
const meta = (name: string, extra: Obj = {}) => ({ name, namespace: NS, ...extra });
const cm = (name: string, body: Obj) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name), ...body });
const labelled = (name: string, labels: Obj) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, { labels }) });
const annotated = (name: string, annotations: Obj) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, { annotations }) });
const pod = (name: string, spec: Obj) => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name), spec });
const app = (extra: Obj = {}) => ({ name: 'app', image: 'registry.example.com/app:1.0.0', ...extra });
const service = (name: string, ports: Obj[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec: { selector: { app: 'web' }, ports } });
/** A custom resource of group validate.example.com (its CRD keeps any field: x-kubernetes-preserve-unknown-fields). */
const custom = (kind: string, name: string, spec: Obj) => ({ apiVersion: `${CUSTOM_GROUP}/v1`, kind, metadata: meta(name), spec });
const CUSTOM_GROUP = 'validate.example.com';
const MIB = 1024 * 1024;
/** `bytes` bytes, base64-encoded. */
const base64 = (bytes: number) => Buffer.alloc(bytes, 'x').toString('base64');
const crd = (kind: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.${CUSTOM_GROUP}` },
  spec: {
    group: CUSTOM_GROUP,
    scope: 'Namespaced',
    names: { plural: `${kind.toLowerCase()}s`, singular: kind.toLowerCase(), kind },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
});
const sts = (name: string, spec: Obj, claims: string[]) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: meta(name),
  spec: {
    serviceName: name,
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec },
    volumeClaimTemplates: claims.map((c) => ({ metadata: { name: c }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } })),
  },
});
const deployment = (name: string, selector: Obj, podLabels: Obj) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(name),
  spec: {
    selector: { matchLabels: selector },
    template: { metadata: { labels: podLabels }, spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0.0' }] } },
  },
});

/**
 * The checks `plumb validate` makes of labels, annotations and ConfigMap /
 * Secret keys against the API server itself: for every case plumb reports an
 * error exactly when `kubectl create --dry-run=server` is refused, so a review
 * fails in Git what apply would fail in the cluster, and refuses nothing the
 * server takes.
 */
describeCluster('validate refuses what the API server refuses (labels, annotations, data keys)', (cluster) => {
  let c: ControlPlaneInfo;
  let repo: string;
  const kubectl = (args: string[], input?: string) =>
    spawnSync(kubectlPath(), ['--kubeconfig', c.kubeconfig, ...args], { encoding: 'utf8', ...(input === undefined ? {} : { input }) });

  const cases: Array<[string, Obj]> = [
    ['config key with a slash', cm('slash', { data: { 'conf.d/default.conf': 'x' } })],
    ['config key with two dots inside', cm('dots-inside', { data: { 'a..b': 'x' } })],
    ['config key starting with two dots', cm('dots-prefix', { data: { '..data': 'x' } })],
    ['config key that is one dot', cm('one-dot', { data: { '.': 'x' } })],
    ['config key with a dot first', cm('dot-first', { data: { '.env': 'x' } })],
    ['config key in data and binaryData', cm('both', { data: { k: 'x' }, binaryData: { k: 'eA==' } })],
    ['config key of 253 characters', cm('long-ok', { data: { ['k'.repeat(253)]: 'x' } })],
    ['config key of 254 characters', cm('long-bad', { data: { ['k'.repeat(254)]: 'x' } })],
    ['secret stringData key with a space', { apiVersion: 'v1', kind: 'Secret', metadata: meta('space'), stringData: { 'bad key': 'x' } }],
    ['secret data key with a colon', { apiVersion: 'v1', kind: 'Secret', metadata: meta('colon'), data: { 'a:b': 'eA==' } }],
    ['label value with a plus', labelled('plus', { 'app.kubernetes.io/version': '6.7.0+build.1' })],
    ['empty label value', labelled('empty', { tier: '' })],
    ['label value of 63 characters', labelled('v63', { v: 'a'.repeat(63) })],
    ['label value of 64 characters', labelled('v64', { v: 'a'.repeat(64) })],
    ['label value ending in a dash', labelled('dash-end', { v: 'abc-' })],
    ['label value with underscores and dots', labelled('under', { v: 'a_b.c-d' })],
    ['label key with an upper-case prefix', labelled('upper-prefix', { 'Example.com/team': 'a' })],
    ['label key with an upper-case name', labelled('upper-name', { 'example.com/Team': 'a' })],
    ['label key with two slashes', labelled('two-slashes', { 'a/b/c': 'x' })],
    ['label key with an empty prefix', labelled('empty-prefix', { '/team': 'x' })],
    ['label key ending in an underscore', labelled('underscore-end', { team_: 'x' })],
    ['label key of 64 characters', labelled('k64', { ['k'.repeat(64)]: 'x' })],
    ['annotation key in upper case', annotated('anno-upper', { 'Example.COM/Note': 'x' })],
    ['annotation key with a space', annotated('anno-space', { 'bad key': 'x' })],
    ['annotations over 256 KiB', annotated('anno-big', { note: 'x'.repeat(256 * 1024) })],
    ['annotations just under 256 KiB', annotated('anno-under', { note: 'x'.repeat(256 * 1024 - 10) })],
    ['deployment selector value with a plus', deployment('sel-plus', { app: 'a+b' }, { app: 'a+b' })],
    ['pod template label value with a space', deployment('pod-space', { app: 'web' }, { app: 'web', role: 'front end' })],
    [
      'service selector value with a space',
      { apiVersion: 'v1', kind: 'Service', metadata: meta('svc-space'), spec: { selector: { app: 'a b' }, ports: [{ port: 80 }] } },
    ],
    ['container name with an underscore', pod('c-underscore', { containers: [app({ name: 'my_app' })] })],
    ['container name used by an init container too', pod('c-dup', { initContainers: [app()], containers: [app()] })],
    ['port name of 16 characters', pod('p16', { containers: [app({ ports: [{ name: 'http-metrics-abc', containerPort: 80 }] })] })],
    ['port name of 15 characters', pod('p15', { containers: [app({ ports: [{ name: 'http-metrics-ab', containerPort: 80 }] })] })],
    ['port name of digits only', pod('p-digits', { containers: [app({ ports: [{ name: '8080', containerPort: 80 }] })] })],
    ['port name with a double dash', pod('p-dash', { containers: [app({ ports: [{ name: 'http--x', containerPort: 80 }] })] })],
    ['port name in upper case', pod('p-upper', { containers: [app({ ports: [{ name: 'HTTP', containerPort: 80 }] })] })],
    [
      'port name used twice in a container',
      pod('p-twice', {
        containers: [
          app({
            ports: [
              { name: 'http', containerPort: 80 },
              { name: 'http', containerPort: 81 },
            ],
          }),
        ],
      }),
    ],
    ['containerPort 70000', pod('p-big', { containers: [app({ ports: [{ containerPort: 70000 }] })] })],
    ['volume name in upper case', pod('v-upper', { volumes: [{ name: 'Data', emptyDir: {} }], containers: [app()] })],
    [
      'volume name used twice',
      pod('v-twice', {
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'data', emptyDir: {} },
        ],
        containers: [app()],
      }),
    ],
    ['volumeMount of a volume the pod lacks', pod('v-missing', { containers: [app({ volumeMounts: [{ name: 'cache', mountPath: '/cache' }] })] })],
    [
      'volumeMount of a declared volume',
      pod('v-ok', { volumes: [{ name: 'cache', emptyDir: {} }], containers: [app({ volumeMounts: [{ name: 'cache', mountPath: '/cache' }] })] }),
    ],
    ['service with two unnamed ports', service('s-unnamed', [{ port: 80 }, { port: 443 }])],
    ['service with one unnamed port', service('s-one', [{ port: 80 }])],
    ['service port name in upper case', service('s-upper', [{ name: 'HTTP', port: 80 }])],
    [
      'service port name used twice',
      service('s-twice', [
        { name: 'web', port: 80 },
        { name: 'web', port: 81 },
      ]),
    ],
    ['service targetPort name in upper case', service('s-target', [{ port: 80, targetPort: 'Http' }])],
    ['service targetPort name of a container port', service('s-target-ok', [{ name: 'web', port: 80, targetPort: 'http-metrics' }])],
    ['service targetPort 0 (defaulted to port)', service('s-target-zero', [{ port: 80, targetPort: 0 }])],
    ['service port 0', service('s-zero', [{ port: 0 }])],
    ['a StatefulSet mounting a volumeClaimTemplate', sts('sts-vct', { containers: [app({ volumeMounts: [{ name: 'data', mountPath: '/d' }] })] }, ['data'])],
    [
      'a StatefulSet mounting neither a volume nor a claim template',
      sts('sts-none', { containers: [app({ volumeMounts: [{ name: 'nope', mountPath: '/d' }] })] }, ['data']),
    ],
    ['a StatefulSet container name with an underscore', sts('sts-cname', { containers: [app({ name: 'A_B' })] }, [])],
    [
      'a CronJob jobTemplate label value with a space (not validated)',
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta('cj-label'),
        spec: {
          schedule: '* * * * *',
          jobTemplate: { metadata: { labels: { v: 'a b' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [app()] } } } },
        },
      },
    ],
    [
      'a matchExpressions value with a plus',
      {
        ...deployment('me-value', { app: 'web' }, { app: 'web' }),
        spec: {
          selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a+b'] }] },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [app()] } },
        },
      },
    ],
    [
      'a matchExpressions key with a space',
      {
        ...deployment('me-key', { app: 'web' }, { app: 'web' }),
        spec: {
          selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'bad key', operator: 'Exists' }] },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [app()] } },
        },
      },
    ],
    ['hostPort 70000', pod('hp-big', { containers: [app({ ports: [{ containerPort: 80, hostPort: 70000 }] })] })],
    [
      'an init container mounting a volume the pod lacks',
      pod('init-mount', { initContainers: [app({ name: 'init', volumeMounts: [{ name: 'x', mountPath: '/x' }] })], containers: [app()] }),
    ],
    ['a Secret key in both data and stringData', { apiVersion: 'v1', kind: 'Secret', metadata: meta('both'), data: { k: 'eA==' }, stringData: { k: 'y' } }],
    [
      'a ReplicationController container name with an underscore',
      {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        metadata: meta('rc'),
        spec: { selector: { app: 'r' }, template: { metadata: { labels: { app: 'r' } }, spec: { containers: [app({ name: 'A_B' })] } } },
      },
    ],
    [
      'a PodTemplate container name with an underscore',
      {
        apiVersion: 'v1',
        kind: 'PodTemplate',
        metadata: meta('pt'),
        template: { metadata: { labels: { app: 'r' } }, spec: { containers: [app({ name: 'A_B' })] } },
      },
    ],
    ['a ConfigMap of exactly 1 MiB', cm('mib', { data: { k: 'x'.repeat(MIB) } })],
    ['a ConfigMap of 1 MiB and a byte', cm('mib-plus', { data: { k: 'x'.repeat(MIB - 1), l: 'xx' } })],
    ['a ConfigMap of 1 MiB and a byte in binaryData', cm('mib-binary', { data: { k: 'x'.repeat(MIB - 2) }, binaryData: { b: 'eHh4' } })],
    ['a Secret of exactly 1 MiB', { apiVersion: 'v1', kind: 'Secret', metadata: meta('mib'), data: { k: base64(MIB) } }],
    ['a Secret of 1 MiB and a byte', { apiVersion: 'v1', kind: 'Secret', metadata: meta('mib-plus'), data: { k: base64(MIB + 1) } }],
    [
      'a Secret of 1 MiB and a byte in stringData',
      { apiVersion: 'v1', kind: 'Secret', metadata: meta('mib-string'), data: { k: base64(MIB) }, stringData: { s: 'y' } },
    ],
    [
      'a Secret whose large data key stringData replaces',
      { apiVersion: 'v1', kind: 'Secret', metadata: meta('mib-replaced'), data: { k: base64(MIB + 10) }, stringData: { k: 'small' } },
    ],
    // ephemeral containers are added to a running pod through its subresource (kubectl debug), never declared
    ['a Pod with an ephemeral container', pod('eph', { containers: [app()], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] })],
    ['a Pod with an empty ephemeralContainers list', pod('eph-empty', { containers: [app()], ephemeralContainers: [] })],
    [
      'a Deployment template with an ephemeral container',
      {
        ...deployment('eph-deploy', { app: 'web' }, { app: 'web' }),
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [app()], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] } },
        },
      },
    ],
    [
      'a PodTemplate with an ephemeral container',
      {
        apiVersion: 'v1',
        kind: 'PodTemplate',
        metadata: meta('eph-pt'),
        template: { spec: { containers: [app()], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] } },
      },
    ],
    [
      'a CronJob template with an ephemeral container',
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta('eph-cj'),
        spec: {
          schedule: '* * * * *',
          jobTemplate: {
            spec: { template: { spec: { restartPolicy: 'Never', containers: [app()], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] } } },
          },
        },
      },
    ],
    // custom resources reusing a built-in kind's name (Volcano's Job, Knative's Service) are not held to its shape
    ['a custom Job without spec.template', custom('Job', 'cr-job', { tasks: [{ name: 'worker', template: { spec: { containers: [app()] } } }] })],
    ['a custom Job with a free-form selector', custom('Job', 'cr-job-sel', { selector: { matchLabels: { 'any key!': 1 } } })],
    ['a custom Service with a numeric selector', custom('Service', 'cr-svc', { selector: { app: 1 }, ports: [{ port: 0 }] })],
    ['a custom Secret whose data is not base64', { ...custom('Secret', 'cr-secret', {}), data: { 'a key': '%%%' } }],
    ['a custom Deployment with an odd pod spec', custom('Deployment', 'cr-deploy', { template: { spec: { containers: [{ name: 'A_B' }] } } })],
    // the object's own metadata is checked as for any object
    ['a custom Job with an invalid label', { ...custom('Job', 'cr-job-label', {}), metadata: meta('cr-job-label', { labels: { v: 'a b' } }) }],
  ];

  beforeAll(() => {
    c = cluster();
    repo = mkdtempSync(join(tmpdir(), 'plumb-validate-vs-server-'));
    mkdirSync(join(repo, 'inventory'));
    writeFileSync(join(repo, 'plumb.yaml'), 'inventory: ["inventory/*.yaml"]\n');
    cases.forEach(([, object], i) => writeFileSync(join(repo, 'inventory', `case-${i}.yaml`), JSON.stringify(object)));
    expect(kubectl(['create', 'namespace', NS]).status).toBe(0);
    const kinds = ['Job', 'Service', 'Secret', 'Deployment'];
    const created = kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: kinds.map(crd) }));
    expect(created.status, created.stderr).toBe(0);
    const names = kinds.map((k) => `crd/${k.toLowerCase()}s.${CUSTOM_GROUP}`);
    const established = kubectl(['wait', '--for', 'condition=established', '--timeout=30s', ...names]);
    expect(established.status, established.stderr).toBe(0);
  });
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    kubectl(['delete', '--wait=false', ...['Job', 'Service', 'Secret', 'Deployment'].map((k) => `crd/${k.toLowerCase()}s.${CUSTOM_GROUP}`)]);
  });

  it('plumb reports an error for a case exactly when the server refuses it', async () => {
    const loaded = await loadRepository({ repo });
    const codes = new Map<string, string[]>();
    for (const f of kubernetesFindings(loaded.cis)) codes.set(f.ci!.origin.file, [...(codes.get(f.ci!.origin.file) ?? []), f.code]);
    const rows = cases.map(([what, object], i) => {
      const server = kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], JSON.stringify(object));
      const refused = server.status !== 0;
      if (refused) expect(server.stderr, what).toMatch(/is invalid|Invalid value|must be no more than|Too long/);
      return { what, refused, plumb: codes.get(`inventory/case-${i}.yaml`) ?? [] };
    });
    // plumb errors exactly where the server refuses
    expect(rows.map((r) => ({ what: r.what, refused: r.plumb.length > 0 }))).toEqual(rows.map((r) => ({ what: r.what, refused: r.refused })));
    // and the server refuses at least the cases named for it (the table is not vacuous)
    expect(rows.filter((r) => r.refused).length).toBeGreaterThanOrEqual(53);
  });
});
