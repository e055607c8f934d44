import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRepository } from '../../../engine/load/load-repository.js';
import type { LoadedRepository } from '../../../engine/load/types.js';
import { RenderCache } from '../../../engine/render/render-stage.js';
import { TESTED_VERSIONS } from '../../../engine/render/tools.js';
import { commit, head, makeGitRepo, removeGitRepo, writeFiles } from '../../helpers/git-repo.js';
import { fixtureTree as tree } from '../../helpers/fixture-tree.js';
import { fixture } from '../../helpers/run-cli.js';
import { describeWithTools } from '../../tools/render-tools.js';

const ids = (r: LoadedRepository) => r.cis.map((c) => c.id).sort();
const codes = (r: LoadedRepository) => r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.file}:${d.line}`);

describeWithTools('render stage: kustomize overlays and a helm chart', ['kustomize', 'helm'], () => {
  let repo: LoadedRepository;
  beforeAll(async () => {
    repo = await loadRepository({ repo: fixture('render-shop'), renderCache: new RenderCache() });
  });

  it('renders the two overlays and the release, not the base, and loads no template or patch as a CI', () => {
    expect(codes(repo)).toEqual([]);
    expect(ids(repo)).toEqual([
      'configmap:shop-staging/web-settings-b72kd9899k',
      'deployment:shop-staging/web',
      'deployment:shop/cache',
      'deployment:shop/web',
      'namespace:_cluster/shop',
      'namespace:_cluster/shop-staging',
      'service:shop-staging/web',
      'service:shop/cache',
      'service:shop/web',
    ]);
    expect(repo.renders?.map((u) => [u.id, u.status, u.toolVersion, u.objects])).toEqual([
      ['kustomize:inventory/apps/web/overlays/prod', 'rendered', TESTED_VERSIONS.kustomize, 2],
      ['kustomize:inventory/apps/web/overlays/staging', 'rendered', TESTED_VERSIONS.kustomize, 3],
      ['helm:inventory/charts/cache#cache', 'rendered', TESTED_VERSIONS.helm, 2],
    ]);
  });

  it('renders what the tools render: the patch, the generator, the values files and --set', () => {
    const web = repo.cis.find((c) => c.id === 'deployment:shop/web')!.object as any;
    expect(web.spec.replicas).toBe(3);
    expect(web.spec.template.spec.containers[0].env[0].value).toBe('warn');
    expect(web.metadata.labels).toEqual({ app: 'web', 'app.kubernetes.io/part-of': 'shop' });
    expect(web.metadata.annotations).toBeUndefined(); // the origin annotations plumb asked for are gone
    const cache = repo.cis.find((c) => c.id === 'deployment:shop/cache')!.object as any;
    expect(cache.spec.replicas).toBe(2);
    expect(cache.spec.template.spec.containers[0].image).toBe('registry.example/shop/valkey:7.4.2');
    expect(cache.spec.template.spec.containers[0].args).toEqual(['--maxmemory', '256mb']);
  });

  it('places each object and field where a person edits it', () => {
    const at = (id: string, pointer: string) => {
      const ci = repo.cis.find((c) => c.id === id)!;
      const where = repo.locate(ci.origin, pointer);
      return `${where.file ?? ci.origin.file}:${where.line}:${where.column}`;
    };
    const base = 'inventory/apps/web/base/deployment.yaml';
    const prod = 'inventory/apps/web/overlays/prod';
    // the resource file for what the base sets, the patch for what the overlay changes
    expect(at('deployment:shop/web', '/spec/template/spec/containers/0/image')).toBe(`${base}:16:18`);
    expect(at('deployment:shop/web', '/spec/replicas')).toBe(`${prod}/replicas.yaml:6:13`);
    expect(at('deployment:shop/web', '/spec/template/spec/containers/0/resources/limits/memory')).toBe(`${prod}/replicas.yaml:12:30`);
    // an inline JSON patch: its entry in the kustomization
    expect(at('deployment:shop/web', '/spec/template/spec/containers/0/env/0/value')).toBe(`${prod}/kustomization.yaml:8:5`);
    expect(at('deployment:shop-staging/web', '/spec/replicas')).toBe(`${base}:7:13`);
    // what a transformer sets: the overlay's namespace, the base's labels
    expect(at('deployment:shop-staging/web', '/metadata/namespace')).toBe('inventory/apps/web/overlays/staging/kustomization.yaml:3:12');
    expect(at('deployment:shop/web', '/metadata/labels/app.kubernetes.io~1part-of')).toBe('inventory/apps/web/base/kustomization.yaml:7:40');
    expect(at('deployment:shop/web', '/metadata/labels/app')).toBe(`${base}:5:17`);
    // a generated ConfigMap: the generator in the overlay's kustomization
    expect(at('configmap:shop-staging/web-settings-b72kd9899k', '/data')).toBe('inventory/apps/web/overlays/staging/kustomization.yaml:7:3');
    // helm: the values line of the file that set the value last, else the template
    expect(at('deployment:shop/cache', '/spec/template/spec/containers/0/args/1')).toBe('inventory/values/cache-prod.yaml:4:12');
    expect(at('deployment:shop/cache', '/spec/template/spec/containers/0/image')).toBe('inventory/values/cache-prod.yaml:3:8');
    expect(at('deployment:shop/cache', '/spec/template/spec/containers/0/ports/0/containerPort')).toBe('inventory/charts/cache/values.yaml:6:7');
    expect(at('deployment:shop/cache', '/spec/selector')).toBe('inventory/charts/cache/templates/deployment.yaml:1:1');
    const cache = repo.cis.find((c) => c.id === 'deployment:shop/cache')!;
    expect(cache.origin.render).toMatchObject({ unit: 'helm:inventory/charts/cache#cache', tool: 'helm', resource: false });
  });

  it('reads every input into the file hashes, so plan fingerprints and reviews see them', () => {
    expect([...repo.files.keys()]).toEqual(
      expect.arrayContaining([
        'inventory/apps/web/base/deployment.yaml',
        'inventory/apps/web/overlays/prod/replicas.yaml',
        'inventory/charts/cache/templates/_helpers.tpl',
        'inventory/values/cache-prod.yaml',
      ]),
    );
  });
});

describeWithTools('render stage: Git revisions, the cache and what goes wrong', ['kustomize', 'helm'], () => {
  let dir: string;
  let first: string;
  beforeAll(() => {
    dir = makeGitRepo(tree(fixture('render-shop')), { message: 'shop' });
    first = head(dir);
  });
  afterAll(() => removeGitRepo(dir));

  it('renders a revision from Git without a checkout, and an unchanged unit once per cache', async () => {
    const cache = new RenderCache();
    const worktree = await loadRepository({ repo: dir, renderCache: cache });
    expect(cache.stats).toEqual({ renders: 3, hits: 0 });
    const atRev = await loadRepository({ repo: dir, rev: first, renderCache: cache });
    expect(cache.stats).toEqual({ renders: 3, hits: 3 }); // same blobs, same keys
    expect(atRev.cis.map((c) => [c.id, c.object])).toEqual(worktree.cis.map((c) => [c.id, c.object]));
    expect(atRev.renders?.map((u) => u.status)).toEqual(['cached', 'cached', 'cached']);
    // one values line changed: only the release renders again
    commit(dir, { 'inventory/values/cache-prod.yaml': 'image:\n  tag: "7.4.3"\nmaxMemory: 256mb\n' }, 'cache 7.4.3');
    const next = await loadRepository({ repo: dir, rev: 'HEAD', renderCache: cache });
    expect(next.renders?.map((u) => u.status)).toEqual(['cached', 'cached', 'rendered']);
    expect(cache.stats).toEqual({ renders: 4, hits: 5 });
  });

  it('refuses remote bases and chart dependencies that are not vendored, at the line naming them', async () => {
    const d = mkdtempSync(join(tmpdir(), 'plumb-render-'));
    try {
      cpSync(fixture('render-shop'), d, { recursive: true });
      writeFiles(d, {
        'inventory/apps/remote/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - https://github.com/example/app//config/default?ref=v1.0.0\n',
        'inventory/apps/remote/deployment.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
        'inventory/charts/cache/Chart.yaml':
          readFileSync(join(d, 'inventory/charts/cache/Chart.yaml'), 'utf8') +
          'dependencies:\n  - name: valkey-metrics\n    version: 1.0.0\n    repository: https://charts.example/stable\n',
      });
      const r = await loadRepository({ repo: d, renderCache: new RenderCache() });
      const bad = r.diagnostics.filter((x) => x.severity === 'error');
      expect(bad.map((x) => [x.code, x.file, x.line])).toEqual([
        ['render.remote-base', 'inventory/apps/remote/kustomization.yaml', 3],
        ['render.chart-dependency', 'inventory/charts/cache/Chart.yaml', 8],
      ]);
      expect(bad[0].message).toContain('https://github.com/example/app//config/default?ref=v1.0.0');
      expect(bad[0].hint).toMatch(/vendor it/);
      expect(bad[1].hint).toContain('helm dependency build inventory/charts/cache');
      // neither unit rendered, nor their files loaded one by one
      expect(r.cis.some((c) => c.id.startsWith('configmap:default/x') || c.id.includes('cache'))).toBe(false);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('refuses a base or file outside the repository (../ past its root, absolute) at its line, and reads nothing there', async () => {
    // Kustomize's load restrictor confines files to a kustomization's root, but
    // not directories: a base at ../../.. was read from the rendering machine
    const outside = mkdtempSync(join(tmpdir(), 'plumb-outside-'));
    const d = mkdtempSync(join(tmpdir(), 'plumb-render-'));
    try {
      writeFiles(outside, {
        'kustomization.yaml': 'resources: [cm.yaml]\n',
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\ndata: {token: OUTSIDE-VALUE-1234}\n',
      });
      const climb = `${'../'.repeat(40)}${outside.slice(1)}`;
      writeFiles(d, {
        'plumb.yaml': 'inventory: ["apps/**"]\n',
        'apps/up/kustomization.yaml': `resources:\n  - ${climb}\n`,
        'apps/abs/kustomization.yaml': `resources:\n  - cm.yaml\n  - ${outside}\n`,
        'apps/abs/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\n',
        'apps/gen/kustomization.yaml': 'configMapGenerator:\n  - name: pw\n    files: [/etc/hostname]\n',
      });
      const r = await loadRepository({ repo: d, renderCache: new RenderCache() });
      expect(r.diagnostics.map((x) => [x.severity, x.code, x.file, x.line])).toEqual([
        ['error', 'render.path-outside-repository', 'apps/abs/kustomization.yaml', 3],
        ['error', 'render.path-outside-repository', 'apps/gen/kustomization.yaml', 3],
        ['error', 'render.path-outside-repository', 'apps/up/kustomization.yaml', 2],
      ]);
      expect(r.diagnostics[2].message).toContain('resources[0] of apps/up/kustomization.yaml');
      expect(r.cis).toEqual([]);
      expect(JSON.stringify(r)).not.toContain('OUTSIDE-VALUE-1234');
    } finally {
      rmSync(d, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a unit that renders more than 4 times limits.maxFileBytes (a loop in a template), and loads none of it', async () => {
    const d = mkdtempSync(join(tmpdir(), 'plumb-render-'));
    try {
      const loop = (n: number) =>
        `{{- range $i := until ${n} }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: "c{{ $i }}"}\ndata: {a: "{{ $i }}"}\n{{- end }}\n`;
      writeFiles(d, {
        'plumb.yaml': 'inventory: ["charts/**"]\nlimits: {maxFileBytes: 65536}\n',
        'charts/big/Chart.yaml': 'apiVersion: v2\nname: big\nversion: 0.1.0\n',
        'charts/big/templates/cm.yaml': loop(20_000),
        'charts/small/Chart.yaml': 'apiVersion: v2\nname: small\nversion: 0.1.0\n',
        'charts/small/templates/cm.yaml': loop(3),
      });
      const r = await loadRepository({ repo: d, renderCache: new RenderCache() });
      expect(r.diagnostics.map((x) => [x.severity, x.code, x.file, x.line])).toEqual([['error', 'render.output-too-large', 'charts/big/Chart.yaml', 1]]);
      expect(r.diagnostics[0].message).toContain('more than 262144 bytes for helm:charts/big#big');
      expect(ids(r)).toEqual(['configmap:default/c0', 'configmap:default/c1', 'configmap:default/c2']);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('says which unit needs which missing tool; with onMissingTool: warn the unit is left out', async () => {
    const env = { ...process.env, PLUMB_HELM: '/nonexistent/helm' };
    const r = await loadRepository({ repo: fixture('render-shop'), env, renderCache: new RenderCache() });
    const missing = r.diagnostics.filter((d) => d.code === 'render.tool-missing');
    expect(missing).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'inventory/charts/cache/Chart.yaml',
        message: 'helm:inventory/charts/cache#cache needs helm, which is not installed',
      }),
    ]);
    expect(missing[0].hint).toContain(`helm ${TESTED_VERSIONS.helm}`);
    const d = mkdtempSync(join(tmpdir(), 'plumb-render-'));
    try {
      cpSync(fixture('render-shop'), d, { recursive: true });
      writeFiles(d, { 'plumb.yaml': readFileSync(join(d, 'plumb.yaml'), 'utf8').replace('render:\n', 'render:\n  onMissingTool: warn\n') });
      const warned = await loadRepository({ repo: d, env, renderCache: new RenderCache() });
      expect(warned.diagnostics.map((x) => [x.severity, x.code])).toEqual([['warning', 'render.tool-missing']]);
      expect(warned.renders?.find((u) => u.tool === 'helm')?.status).toBe('skipped');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('places a validation error in a rendered object at the patch that introduced it', async () => {
    const d = mkdtempSync(join(tmpdir(), 'plumb-render-'));
    try {
      cpSync(fixture('render-shop'), d, { recursive: true });
      const patch = readFileSync(join(d, 'inventory/apps/web/overlays/prod/replicas.yaml'), 'utf8') + '        - name: sidecar\n';
      writeFiles(d, { 'inventory/apps/web/overlays/prod/replicas.yaml': patch });
      const r = await loadRepository({ repo: d, renderCache: new RenderCache() });
      const { validateRepository } = await import('../../../engine/validate/validate.js');
      const found = validateRepository(r).diagnostics.filter((x) => x.code === 'k8s.container-invalid');
      expect(found.map((x) => [x.ci, x.file, x.line, x.message])).toEqual([
        ['deployment:shop/web', 'inventory/apps/web/overlays/prod/replicas.yaml', 13, 'containers[1] is missing image'],
      ]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('leaves helm hooks and generateName-only objects of a chart out, with a warning saying why', async () => {
    const d = mkdtempSync(join(tmpdir(), 'plumb-render-'));
    try {
      cpSync(fixture('render-shop'), d, { recursive: true });
      writeFiles(d, {
        'inventory/charts/cache/templates/migrate.yaml': [
          'apiVersion: batch/v1',
          'kind: Job',
          'metadata:',
          '  name: {{ .Release.Name }}-migrate',
          '  annotations:',
          '    helm.sh/hook: pre-upgrade',
          'spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}}}',
          '---',
          'apiVersion: batch/v1',
          'kind: Job',
          'metadata:',
          '  generateName: {{ .Release.Name }}-warmup-',
          'spec: {template: {spec: {restartPolicy: Never, containers: [{name: w, image: busybox}]}}}',
          '',
        ].join('\n'),
      });
      const r = await loadRepository({ repo: d, renderCache: new RenderCache() });
      expect(r.diagnostics.map((x) => [x.severity, x.code, x.file])).toEqual([
        ['warning', 'render.helm-hook', 'inventory/charts/cache/templates/migrate.yaml'],
        ['warning', 'ci.generate-name', 'inventory/charts/cache/templates/migrate.yaml'],
      ]);
      expect(r.diagnostics[1].message).toContain('leaves it out of helm:inventory/charts/cache#cache');
      expect(r.cis.some((c) => c.kind === 'Job')).toBe(false);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("places a chart's custom kind named like a cluster-scoped built-in one in the release's namespace, as helm install does", async () => {
    // an example.com Node is namespaced (its CRD says so): it was left without a namespace, as the core Node is
    const d = mkdtempSync(join(tmpdir(), 'plumb-render-'));
    try {
      cpSync(fixture('render-shop'), d, { recursive: true });
      writeFiles(d, {
        'inventory/charts/cache/templates/nodes.yaml':
          'apiVersion: example.com/v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\n',
      });
      const r = await loadRepository({ repo: d, renderCache: new RenderCache() });
      const release = r.cis.find((c) => c.origin.render?.unit === 'helm:inventory/charts/cache#cache' && c.kind === 'Deployment')!.namespace;
      expect(
        r.cis
          .filter((c) => c.kind === 'Node')
          .map((c) => c.id)
          .sort(),
      ).toEqual([`node.example.com:${release}/n1`, 'node:_cluster/n2']);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("reports a failing render at the unit, with the tool's message and no temporary path", async () => {
    const d = mkdtempSync(join(tmpdir(), 'plumb-render-'));
    try {
      cpSync(fixture('render-shop'), d, { recursive: true });
      writeFiles(d, {
        'inventory/apps/web/overlays/staging/kustomization.yaml': 'resources:\n  - ../../base\n  - missing.yaml\n',
        'inventory/charts/cache/templates/broken.yaml': 'kind: ConfigMap\nmetadata:\n  name: {{ .Values.nope.deeper }}\n',
      });
      const r = await loadRepository({ repo: d, renderCache: new RenderCache() });
      const failed = r.diagnostics.filter((x) => x.code === 'render.failed');
      expect(failed.map((x) => x.file)).toEqual(['inventory/apps/web/overlays/staging/kustomization.yaml', 'inventory/charts/cache/Chart.yaml']);
      expect(failed[0].message).toMatch(/^kustomize v5\.8\.2 could not render kustomize:inventory\/apps\/web\/overlays\/staging: .*missing\.yaml/);
      expect(failed[1].message).toMatch(/nil pointer evaluating interface \{\}\.deeper|nope/);
      for (const f of failed) expect(f.message).not.toContain(tmpdir());
      expect(r.cis.some((c) => c.namespace === 'shop-staging' && c.kind !== 'Namespace')).toBe(false);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
