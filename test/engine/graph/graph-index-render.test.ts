import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache, withContentCache } from '../../../engine/cache/content-cache.js';
import { deferredEdgesOf } from '../../../engine/graph/deferred-edges.js';
import { GRAPH_FIELDS, graphReads } from '../../../engine/graph/graph-index.js';
import { inferKubernetesEdges } from '../../../engine/graph/infer-kubernetes.js';
import type { CIGraph } from '../../../engine/graph/types.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import type { LoadedRepository } from '../../../engine/load/types.js';
import { runPlan } from '../../../engine/plan/run-plan.js';
import { defaultRenderCache, RenderCache } from '../../../engine/render/render-stage.js';
import { findTool } from '../../../engine/render/tools.js';
import { renderPlanJson } from '../../../engine/report/plan-json.js';
import { encodedForms } from '../../../engine/redact/scrubber.js';
import { runReview } from '../../../engine/review/run-review.js';
import { localChecks } from '../../../engine/validate/local-checks.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { commit, makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { fixture } from '../../helpers/run-cli.js';
import { describeWithTools } from '../../tools/render-tools.js';

/**
 * The graph index (engine/graph/graph-index.ts) of a repository as GitOps
 * repositories are: Kustomize overlays, a Helm release, SOPS-encrypted files.
 * Differential: every plan, validation and review with the content cache
 * equals the one without it, cold and warm, after edits to a chart value, an
 * overlay patch, a SOPS file and a kustomization's resources list; the warm
 * run takes its graph from the index, and each edit makes the next run build it.
 */

const KEY_FILE = `${fixture('render-sops')}/age-key.txt`;
/** The plaintext values the encrypted files hold: none may reach the cache. */
const PLAINTEXTS = ['s3cr3t-cache-pass', 'tok-9f8e7d6c5b4a', 'pa55word-in-dsn', 'label-in-the-clear-41', 'relation-secret-77', 'Bad_Volume_Secret_93'];
const NOW = new Date('2026-01-01T00:00:00Z');

const CHART_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "cache.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      {{- include "cache.labels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "cache.labels" . | nindent 8 }}
    spec:
      containers:
        - name: cache
          image: {{ include "cache.image" . | quote }}
          args: ["--maxmemory", {{ .Values.maxMemory | quote }}]
          ports:
            - containerPort: {{ .Values.port }}
          {{- with .Values.settingsFrom }}
          envFrom:
            - configMapRef: {name: {{ . }}}
          {{- end }}
`;

/** A plain inventory file whose relations reach into the rendered and decrypted CIs, and one that dangles. */
const LINKS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: links
  namespace: shop
  annotations:
    plumb.io/relations: "[{type: dependsOn, target: service:shop/web}, {type: dependsOn, target: deployment:shop/cache}, {type: dependsOn, target: secret:shop/cache-auth}]"
`;

const CACHE_AUTH = (annotations: string) => `apiVersion: v1
kind: Secret
metadata:
  name: cache-auth
  namespace: shop
${annotations}type: Opaque
stringData:
  password: s3cr3t-cache-pass
`;

function shop(): Record<string, string> {
  const extra = Object.entries(fixtureTree(fixture('render-sops'))).filter(([p]) => p.startsWith('inventory/'));
  const tree = { ...fixtureTree(fixture('render-shop')), ...Object.fromEntries(extra) };
  return {
    ...tree,
    'plumb.yaml': `${tree['plumb.yaml']}targets:\n  t: {provider: snapshot, path: snap.yaml}\n`,
    'snap.yaml': 'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects: []\n',
    'inventory/charts/cache/templates/deployment.yaml': CHART_DEPLOYMENT,
    'inventory/links.yaml': LINKS,
  };
}

/** Nodes, and edges with their attributes, in graphology's order. */
const shape = (graph: CIGraph) => ({ nodes: graph.nodes(), edges: graph.mapEdges((_e, a, s, t) => [s, t, a.type, a.inferred]) });

describeWithTools('the graph index of a repository with Kustomize overlays, a Helm release and SOPS files', ['kustomize', 'helm', 'sops'], () => {
  let dir: string;
  let cacheDir: string;
  let recipient: string;
  let sopsPath: string;
  const saved = process.env.SOPS_AGE_KEY_FILE;
  beforeAll(async () => {
    process.env.SOPS_AGE_KEY_FILE = KEY_FILE;
    dir = makeGitRepo(shop(), { message: 'shop' });
    cacheDir = mkdtempSync(join(tmpdir(), 'plumb-graph-index-render-'));
    recipient = /public key: (age1\w+)/.exec(readFileSync(KEY_FILE, 'utf8'))![1];
    sopsPath = (await findTool('sops'))!.path;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.SOPS_AGE_KEY_FILE;
    else process.env.SOPS_AGE_KEY_FILE = saved;
    removeGitRepo(dir);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** `plain` encrypted with sops to the test key, as .sops.yaml says (or with `regex`). */
  const encrypt = (plain: string, regex = '^(data|stringData|DSN)$') => {
    const scratch = mkdtempSync(join(tmpdir(), 'plumb-sops-edit-'));
    try {
      writeFileSync(join(scratch, 'file.yaml'), plain);
      return execFileSync(sopsPath, ['encrypt', '--age', recipient, '--encrypted-regex', regex, join(scratch, 'file.yaml')], { encoding: 'utf8' });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
  /** A fresh process's caches: the content cache on disk as the last run left it, no render in memory. */
  const fresh = () => {
    defaultRenderCache.reset();
    return new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir }));
  };
  const load = (contentCache: ContentCache | false, env: NodeJS.ProcessEnv = process.env): Promise<LoadedRepository> =>
    loadRepository({ repo: dir, contentCache, renderCache: contentCache ? new RenderCache() : false, env });
  const plan = async (contentCache: ContentCache | false) => {
    defaultRenderCache.reset();
    const result = await withContentCache(contentCache, () => runPlan({ repo: dir, now: NOW }));
    // a repository with errors has no plan: its diagnostics are the answer
    return result.plan ? renderPlanJson(result.plan, result.diagnostics) : JSON.stringify(result.diagnostics);
  };
  /** Validation with a fresh cache against validation without one; whether the graph came from the index. */
  const validate = async () => {
    const cache = fresh();
    const repo = await load(cache);
    const cached = validateRepository(repo, { contentCache: cache });
    const fromIndex = deferredEdgesOf(cached.graph) !== undefined;
    const uncached = validateRepository(await load(false), { contentCache: false });
    expect(shape(cached.graph)).toEqual(shape(uncached.graph));
    expect(cached.diagnostics).toEqual(uncached.diagnostics);
    return { fromIndex, repo, uncached };
  };
  /** After a change: the first run builds the graph (the key changed), the next takes it from the index; plans equal the uncached one. */
  const checkRevision = async () => {
    const first = await validate();
    expect(first.fromIndex).toBe(false);
    const second = await validate();
    expect(second.fromIndex).toBe(true);
    const off = await plan(false);
    expect(await plan(fresh())).toBe(off);
    expect(await plan(fresh())).toBe(off);
    return second;
  };
  const review = async (base: string, head: string) => {
    const off = await runReview({ repo: dir, base, head, now: NOW, contentCache: false, renderCache: false });
    for (let i = 0; i < 2; i++) {
      defaultRenderCache.reset();
      const cached = await runReview({ repo: dir, base, head, now: NOW, contentCache: fresh(), renderCache: new RenderCache() });
      expect(cached.diagnostics).toEqual(off.diagnostics);
      expect(cached.plan && renderPlanJson(cached.plan)).toBe(off.plan && renderPlanJson(off.plan));
    }
    return off;
  };
  const edgesOf = (graph: CIGraph) => graph.mapEdges((_e, a, s, t) => `${s} ${a.type} ${t}`);

  it('plans, validates and reviews alike with and without the index, and uses it once nothing changed', async () => {
    const start = await checkRevision();
    expect(start.repo.renders?.map((u) => u.status)).toEqual(['rendered', 'cached', 'cached']);
    expect(start.repo.sops?.get('inventory/secrets/cache-auth.sops.yaml')).toBe('decrypted');
    expect(start.uncached.diagnostics).toEqual([]);
    let base = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

    // a chart value: the cache's Deployment takes its settings from the SOPS ConfigMap
    let head = commit(
      dir,
      { 'inventory/values/cache-prod.yaml': '# production settings of the cache release\nimage:\n  tag: "7.4.2"\nmaxMemory: 256mb\nsettingsFrom: web-dsn\n' },
      'value',
    );
    let now = await checkRevision();
    expect(edgesOf(now.uncached.graph)).toContain('deployment:shop/cache dependsOn configmap:shop/web-dsn');
    expect((await review(base, head)).plan?.changes.map((c) => `${c.action} ${c.id}`)).toContain('update deployment:shop/cache');
    base = head;

    // an overlay patch: prod's web mounts the Secret the overlay decrypts
    const replicas = fixtureTree(fixture('render-shop'))['inventory/apps/web/overlays/prod/replicas.yaml'];
    head = commit(
      dir,
      { 'inventory/apps/web/overlays/prod/replicas.yaml': `${replicas}      volumes:\n        - name: key\n          secret: {secretName: web-api-key}\n` },
      'patch',
    );
    now = await checkRevision();
    expect(edgesOf(now.uncached.graph)).toContain('deployment:shop/web dependsOn secret:shop/web-api-key');
    await review(base, head);
    base = head;

    // a SOPS file: the Secret gains a relation (its values stay encrypted)
    head = commit(
      dir,
      {
        'inventory/secrets/cache-auth.sops.yaml': encrypt(
          CACHE_AUTH('  annotations:\n    plumb.io/relations: "[{type: dependsOn, target: deployment:shop/cache}]"\n'),
        ),
      },
      'sops',
    );
    now = await checkRevision();
    expect(edgesOf(now.uncached.graph)).toContain('secret:shop/cache-auth dependsOn deployment:shop/cache');
    await review(base, head);
    base = head;

    // a kustomization's resources list: the base drops its Service, so links.yaml's reference to it dangles
    const kustomization = fixtureTree(fixture('render-shop'))['inventory/apps/web/base/kustomization.yaml'];
    head = commit(dir, { 'inventory/apps/web/base/kustomization.yaml': kustomization.replace('  - service.yaml\n', '') }, 'resources');
    now = await checkRevision();
    expect(now.uncached.diagnostics.filter((d) => d.code === 'ref.unresolved').map((d) => d.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('service:shop/web')]),
    );
    await review(base, head);

    // nothing a SOPS file or a rendered unit decrypted reaches the cache
    const files = (readdirSync(cacheDir, { recursive: true }) as string[]).map((p) => join(cacheDir, p)).filter((p) => statSync(p).isFile());
    expect(files.some((p) => p.includes('/graph/'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of PLAINTEXTS) {
        expect(bytes.includes(Buffer.from(secret, 'latin1')), `${secret} in ${file}`).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${secret} in ${file}`).toBe(false);
        for (const form of [...encodedForms(secret), Buffer.from(secret).toString('hex'), Buffer.from(secret).toString('hex').toUpperCase()])
          if (form.length >= 8) expect(bytes.includes(Buffer.from(form, 'latin1')), `${secret} as ${form} in ${file}`).toBe(false);
      }
    }
  }, 600_000);

  it("keeps each rendered object's per-CI checks under its unit's render key and document: a change elsewhere leaves them served", async () => {
    const checkDir = mkdtempSync(join(tmpdir(), 'plumb-local-checks-render-'));
    try {
      const loaded = () => loadRepository({ repo: dir, contentCache: false, renderCache: false });
      const first = await loaded();
      localChecks(first, first.locate.bind(first), new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: checkDir })));
      // a plain file changes: the whole repository's entry misses, every other file and rendered object is answered
      writeFileSync(join(dir, 'inventory', 'links.yaml'), LINKS.replace('name: links', 'name: links2'));
      const repo = await loaded();
      const warm = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: checkDir }));
      expect(localChecks(repo, repo.locate.bind(repo), warm)).toEqual(localChecks(repo, repo.locate.bind(repo), undefined));
      const rendered = repo.cis.filter((c) => c.origin.render && c.kind !== 'Secret');
      expect(rendered.length).toBeGreaterThan(3);
      expect(warm.stats.hits).toBeGreaterThanOrEqual(rendered.length);
      // a rendered object whose document changed is checked again, and says so
      const changed = { ...repo, cis: repo.cis.map((c) => (c === rendered[0] ? { ...c, object: { ...c.object, spec: 'not a mapping' } } : c)) };
      expect(localChecks(changed, repo.locate.bind(repo), new ContentCache(warm.settings))).toEqual(localChecks(changed, repo.locate.bind(repo), undefined));
    } finally {
      execFileSync('git', ['-C', dir, 'checkout', '--', 'inventory/links.yaml']);
      rmSync(checkDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('a review of a base that renders units does not validate the base only to learn it gets no revision index', async () => {
    const repo = makeGitRepo(
      { ...fixtureTree(fixture('render-shop')), 'inventory/links.yaml': LINKS.replace(', {type: dependsOn, target: secret:shop/cache-auth}', '') },
      { message: 'shop' },
    );
    const reviewCache = mkdtempSync(join(tmpdir(), 'plumb-review-render-'));
    try {
      const base = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
      const head = commit(
        repo,
        { 'inventory/links.yaml': LINKS.replace(', {type: dependsOn, target: secret:shop/cache-auth}', '').replace('name: links', 'name: links2') },
        'rename',
      );
      const graphEntries = () =>
        (readdirSync(reviewCache, { recursive: true }) as string[]).filter((p) => p.includes('/graph/') && statSync(join(reviewCache, p)).isFile()).length;
      const first = await runReview({
        repo,
        base,
        head,
        now: NOW,
        contentCache: new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: reviewCache })),
        renderCache: new RenderCache(),
      });
      expect(first.read).toBe('full');
      expect(first.fallback).toContain('renders Kustomize or Helm units');
      // the head's graph index only: the base was loaded, found to render units, and not validated
      expect(graphEntries()).toBe(1);
      const off = await runReview({ repo, base, head, now: NOW, contentCache: false, renderCache: false });
      expect(first.plan && renderPlanJson(first.plan)).toBe(off.plan && renderPlanJson(off.plan));
    } finally {
      removeGitRepo(repo);
      rmSync(reviewCache, { recursive: true, force: true });
    }
  }, 300_000);

  it('keeps no index of a repository whose SOPS file fails to decrypt, or holds a decrypted value in a field the graph reads', async () => {
    // no key: a SOPS file loads nothing (a diagnostic), and no index is made of what remains — here, where no unit
    // fails with it (the prod overlay's does, in the shop), and then with the key
    const small = makeGitRepo(
      {
        'plumb.yaml': 'inventory: ["inventory/**"]\n',
        'inventory/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: shop}\n',
        'inventory/secrets/cache-auth.sops.yaml': fixtureTree(fixture('render-sops'))['inventory/secrets/cache-auth.sops.yaml'],
      },
      { message: 'small' },
    );
    try {
      for (const [key, outcome, indexed] of [
        [join(cacheDir, 'no-such-key.txt'), 'failed', [false, false]],
        [KEY_FILE, 'decrypted', [false, true]],
      ] as const) {
        for (const fromIndex of indexed) {
          const cache = fresh();
          const repo = await loadRepository({
            repo: small,
            contentCache: cache,
            renderCache: new RenderCache(),
            env: { ...process.env, SOPS_AGE_KEY_FILE: key },
          });
          expect(repo.sops?.get('inventory/secrets/cache-auth.sops.yaml')).toBe(outcome);
          expect(deferredEdgesOf(validateRepository(repo, { contentCache: cache }).graph) !== undefined).toBe(fromIndex);
        }
      }
    } finally {
      removeGitRepo(small);
    }
    // a label sops encrypted (its default is every value): the graph reads labels, so nothing of it is written
    commit(
      dir,
      {
        'inventory/labelled.sops.yaml': encrypt(
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: labelled\n  namespace: shop\n  labels: {tier: label-in-the-clear-41}\n  annotations:\n    plumb.io/relations: "[{type: dependsOn, target: configmap:shop/relation-secret-77}]"\nspec:\n  containers: [{name: c, image: c:1}]\n  volumes: [{name: Bad_Volume_Secret_93, emptyDir: {}}]\n',
          '^(metadata|spec)$',
        ),
      },
      'a labelled pod',
    );
    const first = await validate();
    expect(first.repo.cis.find((c) => c.id === 'pod:shop/labelled')?.secretPointers).toEqual(expect.arrayContaining(['/metadata/labels/tier']));
    expect(first.uncached.diagnostics.map((d) => d.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('relation-secret-77'), expect.stringContaining('Bad_Volume_Secret_93')]),
    );
    expect((await validate()).fromIndex).toBe(false);
    const off = await plan(false);
    expect(await plan(fresh())).toBe(off);
    for (const file of (readdirSync(cacheDir, { recursive: true }) as string[]).map((p) => join(cacheDir, p)).filter((p) => statSync(p).isFile())) {
      const bytes = readFileSync(file);
      for (const secret of PLAINTEXTS) expect(bytes.includes(Buffer.from(secret, 'latin1')), `${secret} in ${file}`).toBe(false);
    }
  }, 300_000);
});

it('GRAPH_FIELDS holds every field a Kubernetes edge is inferred from', async () => {
  const root = mkdtempSync(join(tmpdir(), 'plumb-graph-fields-'));
  try {
    writeFileSync(join(root, 'plumb.yaml'), 'inventory: ["*.yaml", "!plumb.yaml"]\n');
    writeFileSync(
      join(root, 'more.yaml'),
      [
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: sa}]',
        'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: hook}\nwebhooks: [{name: h.example.com, clientConfig: {service: {name: svc, namespace: shop}}}]',
        'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1.example.com}\nspec: {service: {name: svc, namespace: shop}}',
        'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: hpa, namespace: shop}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}}',
        'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: pvc, namespace: shop}\nspec: {storageClassName: fast}',
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, labels: {app: p}}\nspec: {serviceAccountName: sa, containers: [{name: c, envFrom: [{secretRef: {name: s}}], env: [{name: X, valueFrom: {configMapKeyRef: {name: cm, key: k}}}]}], volumes: [{name: v, projected: {sources: [{secret: {name: s}}]}}]}',
        'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}',
      ].join('\n---\n'),
    );
    const cis = [
      ...(await loadRepository({ repo: fixture('validate-graph-kubernetes'), contentCache: false })).cis,
      ...(await loadRepository({ repo: root, contentCache: false })).cis,
    ];
    const edges = inferKubernetesEdges(cis, () => true);
    expect(new Set(edges.map((e) => e.pointer.split('/')[1])).size).toBeGreaterThan(4);
    expect(edges.filter((e) => !graphReads(e.pointer)).map((e) => `${e.source} ${e.pointer}`)).toEqual([]);
    // what the graph does not read
    for (const pointer of [
      '/data/password',
      '/stringData/token',
      '/type',
      '/metadata/annotations/note',
      '/binaryData/x',
      '/spec/template/metadata/annotations/checksum~1secret',
    ])
      expect(graphReads(pointer), pointer).toBe(false);
    // what it does, or holds what it does
    for (const pointer of [
      '/metadata/annotations',
      '/metadata',
      '',
      '/metadata/annotations/plumb.io~1relations',
      '/spec/template/metadata/labels/app',
      '/metadata/labels/tier',
    ])
      expect(graphReads(pointer), pointer).toBe(true);
    expect(GRAPH_FIELDS).toContain('/metadata/annotations/plumb.io~1relations');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
