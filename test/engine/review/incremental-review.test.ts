import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { INDEX_CONTEXT } from '../../../engine/review/indexed-review.js';
import { INDEX_NAMESPACE, indexKey, readRevisionIndex, treeOf, writeRevisionIndex } from '../../../engine/review/revision-index.js';
import { unpackStrings } from '../../../engine/review/revision-files.js';
import { runReview } from '../../../engine/review/run-review.js';
import { branch, checkout, commit, head, makeGitRepo, removeGitRepo, writeFiles, type FileTree } from '../../helpers/git-repo.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { fixture } from '../../helpers/run-cli.js';

const NOW = new Date('2026-01-05T20:00:00Z');

/** A cluster-scoped custom kind whose CRD sits in a file no pull request below touches. */
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gates.example.com
spec:
  group: example.com
  scope: Cluster
  names: {kind: Gate, plural: gates, singular: gate}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {open: {type: boolean}}}
`;
const gate = (open: boolean) => `apiVersion: example.com/v1
kind: Gate
metadata:
  name: front
spec:
  open: ${open}
`;
/** A policy written in an inventory file that no pull request below touches. */
const INLINE_POLICY = `apiVersion: plumb.io/v1
kind: Policy
metadata:
  name: inline-audit
spec:
  action: audit
  severity: low
  scope: change
  validations:
    - expression: "change.action != 'delete'"
      message: "a delete"
`;

/** A second member of the checkout service (it counts against minUp though no change reaches it), and a redundancy pair. */
const WEB = `apiVersion: plumb.io/v1
kind: Application
metadata:
  name: web
  namespace: shop
spec:
  version: "2.0.0"
relations:
  - {type: partOf, target: businessservice:checkout}
`;
const host = (name: string, extra = '') => `apiVersion: plumb.io/v1
kind: Host
metadata:
  name: ${name}
  namespace: shop
spec:
  os: linux
  memoryGb: 16
${extra}`;
const HA_APP = `apiVersion: plumb.io/v1
kind: Application
metadata:
  name: ha-app
  namespace: shop
spec:
  version: "1.0.0"
relations:
  - {type: runsOn, target: host:ha-1}
`;
/** Kubernetes objects no pull request touches unless it says so: a Deployment mounting a ConfigMap that does not exist yet. */
const K8S = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: jobs
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
        - name: main
          image: registry.example.com/worker:1
          envFrom: [{configMapRef: {name: worker-config}}]
---
apiVersion: v1
kind: Service
metadata:
  name: worker
  namespace: jobs
spec:
  selector: {app: worker}
  ports: [{port: 80}]
`;
const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: worker-config
  namespace: jobs
data: {A: "1"}
`;

describe('a review that reads only what changed gives the answers of a full review', () => {
  let dir: string;
  let cacheDir: string;
  let base: string;
  const base0 = (): Record<string, string> => {
    const tree = fixtureTree(fixture('review-pr'));
    return {
      ...tree,
      'inventory/crds.yaml': CRD,
      'inventory/gates.yaml': gate(false),
      'inventory/guard.yaml': INLINE_POLICY,
      'inventory/web.yaml': WEB,
      'inventory/ha-1.yaml': host('ha-1'),
      'inventory/ha-2.yaml': host('ha-2', 'relations:\n  - {type: alternativeTo, target: host:ha-1}\n'),
      'inventory/ha-app.yaml': HA_APP,
      'inventory/k8s.yaml': K8S,
    };
  };
  const prs: Record<string, (t: FileTree) => FileTree> = {
    edit: (t) => ({ 'inventory/data.yaml': (t['inventory/data.yaml'] as string).replace('16.3', '16.4') }),
    'move of a CI between files': (t) => ({
      'inventory/apps.yaml': null,
      'inventory/data.yaml': `${t['inventory/data.yaml']}---\n${t['inventory/apps.yaml']}`,
    }),
    delete: () => ({ 'inventory/reports.yaml': null }),
    // orders-api no longer depends on orders-db: the unchanged checkout service drops out of the upgrade's impact
    'a dependency edge change': (t) => ({
      'inventory/apps.yaml': (t['inventory/apps.yaml'] as string).replace('  - {type: dependsOn, target: database:orders-db}\n', ''),
      'inventory/data.yaml': (t['inventory/data.yaml'] as string).replace('16.3', '16.4'),
    }),
    'a policy change': (t) => ({
      'policies/change.yaml': (t['policies/change.yaml'] as string).replace('action: deny', 'action: audit'),
      'inventory/reports.yaml': null,
      'inventory/data.yaml': (t['inventory/data.yaml'] as string).split('---\n')[0],
    }),
    // a schema violation in a changed file, and a reference in an unchanged file left dangling by a delete
    'an invalid head': (t) => ({
      'inventory/hosts.yaml': (t['inventory/hosts.yaml'] as string).split('---\n')[1].replace('memoryGb: 8', 'memoryGb: lots'),
    }),
    'a custom resource whose CRD did not change': () => ({ 'inventory/gates.yaml': gate(true) }),
    // the checkout service loses its only CI: orders-api, in a file the pull request does not touch, now points at nothing
    'a new dangling reference in an unchanged file': () => ({ 'inventory/services.yaml': null }),
    'a duplicate identity added against an unchanged file': (t) => ({ 'inventory/reports.yaml': `${t['inventory/reports.yaml']}---\n${host('app-host-1')}` }),
    // orders-db now depends on orders-api, which depends on orders-db
    'a cycle closed by a new edge': (t) => ({
      'inventory/data.yaml': (t['inventory/data.yaml'] as string).replace(
        '  - {type: runsOn, target: host:db-host-1}\n---',
        '  - {type: runsOn, target: host:db-host-1}\n  - {type: dependsOn, target: application:orders-api}\n---',
      ),
    }),
    // ha-1 changes: ha-app fails over to ha-2, an unchanged member of its redundancy group in another file
    'a redundancy group member far from the change': () => ({ 'inventory/ha-1.yaml': host('ha-1').replace('memoryGb: 16', 'memoryGb: 32') }),
    'a redundancy group member removed': () => ({ 'inventory/ha-2.yaml': null, 'inventory/ha-1.yaml': host('ha-1').replace('memoryGb: 16', 'memoryGb: 32') }),
    // an unchanged Deployment gains an inferred edge to a ConfigMap the pull request adds
    'an inferred edge gained by an unchanged CI': () => ({ 'inventory/k8s-config.yaml': CONFIG_MAP }),
    // not a Kubernetes object, but the identity the unchanged Deployment's envFrom looks up: its inferred edge appears
    'an identity inference looks up, added as a plumb kind': () => ({
      'inventory/zz-config.yaml': 'apiVersion: plumb.io/v1\nkind: ConfigMap\nmetadata:\n  name: worker-config\n  namespace: jobs\n',
    }),
    // an unchanged Service loses its inferred edge: the Deployment it selects is relabelled
    'an inferred edge lost by an unchanged CI': (t) => ({
      'inventory/k8s.yaml': (t['inventory/k8s.yaml'] as string).replace('labels: {app: worker}}', 'labels: {app: other}}'),
    }),
  };
  /** Pull requests whose head does not validate (no plan; the diagnostics are the answer). */
  const INVALID = new Set([
    'a new dangling reference in an unchanged file',
    'a duplicate identity added against an unchanged file',
    'a cycle closed by a new edge',
    // plumb.io has no ConfigMap kind
    'an identity inference looks up, added as a plumb kind',
  ]);
  /** How each pull request is read once the cache holds the base's index: `index`, or why the full review serves it. */
  const route: Record<string, string> = {
    edit: 'index',
    'move of a CI between files': 'index',
    delete: 'index',
    'a dependency edge change': 'index',
    'a policy change': 'index',
    'an invalid head': 'index',
    'a custom resource whose CRD did not change': 'a Kubernetes object changed',
    'a new dangling reference in an unchanged file': 'index',
    'a duplicate identity added against an unchanged file': 'the head defines an identity twice',
    'a cycle closed by a new edge': 'a new dependsOn relation closes a cycle',
    'a redundancy group member far from the change': 'index',
    'a redundancy group member removed': 'index',
    'an inferred edge gained by an unchanged CI': 'a Kubernetes object changed',
    'an inferred edge lost by an unchanged CI': 'a Kubernetes object changed',
    'an identity inference looks up, added as a plumb kind': 'configmap:jobs/worker-config is added or removed and Kubernetes inference looks it up',
  };
  const shas: Record<string, string> = {};

  beforeAll(() => {
    const tree = base0();
    dir = makeGitRepo(tree, { message: 'base' });
    base = head(dir);
    for (const [name, change] of Object.entries(prs)) {
      checkout(dir, base);
      branch(dir, `pr-${Object.keys(shas).length}`, { checkout: true });
      shas[name] = commit(dir, change(tree), name);
    }
    cacheDir = mkdtempSync(join(tmpdir(), 'plumb-incremental-review-'));
  });
  afterAll(() => {
    removeGitRepo(dir);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const answer = (r: Awaited<ReturnType<typeof runReview>>) => ({ plan: r.plan, diagnostics: r.diagnostics, policies: r.policies.map((p) => p.name) });

  it.each(Object.keys(prs))('%s', async (name) => {
    const full = answer(await runReview({ repo: dir, base, head: shas[name], now: NOW, incremental: false, contentCache: false, renderCache: false }));
    const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, name.replace(/\W+/g, '-')) }));
    const coldRun = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: cache, renderCache: false });
    const warmRun = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(cache.settings), renderCache: false });
    for (const run of [coldRun, warmRun]) expect(run.read === 'index' ? 'index' : run.fallback).toContain(route[name]);
    const cold = answer(coldRun);
    const warm = answer(warmRun);
    expect(cold).toEqual(full);
    expect(warm).toEqual(full);
    // the base read where it differs from the head holds exactly the full base's CIs of those files, identities included
    const headRepo = await loadRepository({ repo: dir, rev: shas[name], contentCache: false });
    const fullBase = await loadRepository({ repo: dir, rev: base, contentCache: false });
    const crds = headRepo.cis.filter((c) => c.kind === 'CustomResourceDefinition').map((c) => ({ origin: c.origin, value: c.object }));
    const partBase = await loadRepository({ repo: dir, rev: base, contentCache: false, unchangedFrom: { files: headRepo.files, documents: () => crds } });
    const changed = new Set([...fullBase.files].filter(([p, blob]) => headRepo.files.get(p) !== blob).map(([p]) => p));
    expect(partBase.cis).toEqual(fullBase.cis.filter((c) => changed.has(c.origin.file)));
    expect(partBase.files).toEqual(fullBase.files);
    if (name === 'an invalid head') {
      expect(full.plan).toBeUndefined();
      expect(full.diagnostics.map((d) => [d.code, d.file])).toEqual(
        expect.arrayContaining([
          ['schema.violation', 'inventory/hosts.yaml'],
          ['ref.unresolved', 'inventory/data.yaml'],
        ]),
      );
    } else if (!INVALID.has(name)) expect(full.plan?.changes.length).toBeGreaterThan(0);
    else expect(full.plan).toBeUndefined();
    if (name === 'a dependency edge change') {
      const upgrade = full.plan?.changes.find((c) => c.id === 'database:shop/orders-db');
      expect(JSON.stringify(upgrade?.impact ?? {})).not.toContain('businessservice:shop/checkout');
    }
    if (name === 'a policy change') expect(full.plan?.policyChanges?.map((c) => c.name)).toEqual(['no-tier1-delete']);
    if (name === 'a new dangling reference in an unchanged file')
      expect(full.diagnostics.map((d) => [d.code, d.file])).toContainEqual(['ref.unresolved', 'inventory/apps.yaml']);
    if (name === 'a duplicate identity added against an unchanged file') expect(full.diagnostics.map((d) => d.code)).toContain('ci.duplicate');
    if (name === 'a cycle closed by a new edge') expect(full.diagnostics.map((d) => d.code)).toContain('relation.cycle');
    if (name === 'a redundancy group member far from the change') {
      const ha = full.plan?.changes.find((c) => c.id === 'host:shop/ha-1');
      expect(ha?.impact?.affected).toContainEqual(expect.objectContaining({ id: 'application:shop/ha-app', wouldBe: 'at-risk' }));
    }
    if (name === 'a redundancy group member removed') {
      const ha = full.plan?.changes.find((c) => c.id === 'host:shop/ha-1');
      expect(ha?.impact?.affected).toContainEqual(expect.objectContaining({ id: 'application:shop/ha-app', wouldBe: 'down' }));
    }
    if (name === 'edit') {
      // web, untouched and unreached, still counts as a member of checkout: one member of two down is degraded
      const db = full.plan?.changes.find((c) => c.id === 'database:shop/orders-db');
      expect(db?.impact?.affected).toContainEqual(expect.objectContaining({ id: 'businessservice:shop/checkout', wouldBe: 'degraded' }));
    }
    if (name === 'a custom resource whose CRD did not change')
      expect(full.plan?.changes.map((c) => [c.id, c.action])).toContainEqual(['gate:_cluster/front', 'update']);
  });

  it('a wrong index gives a wrong answer, and a damaged or forged one is a miss', async () => {
    const name = 'edit';
    const full = answer(await runReview({ repo: dir, base, head: shas[name], now: NOW, incremental: false, contentCache: false, renderCache: false }));
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, 'tampered') });
    await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    const tree = (await treeOf(dir, base))!;
    const cache = new ContentCache(settings);
    const index = readRevisionIndex(cache, tree, INDEX_CONTEXT)!;
    expect(index).toBeDefined();
    // orders-api (in a file the pull request does not touch) no longer depends on orders-db, in the index only
    const from = unpackStrings(index.ids).indexOf('application:shop/orders-api');
    const to = unpackStrings(index.ids).indexOf('database:shop/orders-db');
    const keep = [...index.edgeSource.keys()].filter((e) => !(index.edgeSource[e] === from && index.edgeTarget[e] === to));
    expect(keep.length).toBe(index.edgeSource.length - 1);
    const wrong = {
      ...index,
      edgeSource: Int32Array.from(keep.map((e) => index.edgeSource[e])),
      edgeTarget: Int32Array.from(keep.map((e) => index.edgeTarget[e])),
      edgeType: Uint8Array.from(keep.map((e) => index.edgeType[e])),
      edgeInferred: Uint8Array.from(keep.map((e) => index.edgeInferred[e])),
      declaredEdges: index.declaredEdges - 1,
    };
    writeRevisionIndex(cache, tree, INDEX_CONTEXT, wrong);
    const misled = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    expect(misled.read).toBe('index');
    expect(answer(misled)).not.toEqual(full);
    // the same wrong index written under another key (a planted cache): not believed
    const planter = new ContentCache(settings, undefined, randomBytes(32));
    planter.set(INDEX_NAMESPACE, indexKey(tree, INDEX_CONTEXT), wrong);
    const planted = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    expect(answer(planted)).toEqual(full);
    // damaged: a miss, rebuilt
    writeFileSync(cache.pathOf(INDEX_NAMESPACE, indexKey(tree, INDEX_CONTEXT)), 'not an index');
    const damaged = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    expect(damaged.read).toBe('index');
    expect(answer(damaged)).toEqual(full);
    expect(readRevisionIndex(new ContentCache(settings), tree, INDEX_CONTEXT)).toEqual(index);
  });

  it('an uncommitted work tree as the head', async () => {
    checkout(dir, base);
    writeFiles(dir, { 'inventory/data.yaml': (base0()['inventory/data.yaml'] as string).replace('16.3', '16.5'), 'inventory/reports.yaml': null });
    try {
      const full = answer(await runReview({ repo: dir, base, head: 'worktree', now: NOW, incremental: false, contentCache: false, renderCache: false }));
      const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, 'worktree') }));
      expect(answer(await runReview({ repo: dir, base, head: 'worktree', now: NOW, contentCache: cache, renderCache: false }))).toEqual(full);
      expect(
        answer(await runReview({ repo: dir, base, head: 'worktree', now: NOW, contentCache: new ContentCache(cache.settings), renderCache: false })),
      ).toEqual(full);
      expect(full.plan?.changes.filter((c) => c.action !== 'noop').map((c) => [c.id, c.action])).toEqual([
        ['database:shop/orders-db', 'update'],
        ['application:shop/reports', 'delete'],
      ]);
    } finally {
      checkout(dir, base);
    }
  });
});
