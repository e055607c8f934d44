import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
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

describe('a review that reads only what changed gives the answers of a full review', () => {
  let dir: string;
  let cacheDir: string;
  let base: string;
  const base0 = (): Record<string, string> => {
    const tree = fixtureTree(fixture('review-pr'));
    return { ...tree, 'inventory/crds.yaml': CRD, 'inventory/gates.yaml': gate(false), 'inventory/guard.yaml': INLINE_POLICY };
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
    console.log(name, coldRun.read, coldRun.fallback, warmRun.read, warmRun.fallback);
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
    } else expect(full.plan?.changes.length).toBeGreaterThan(0);
    if (name === 'a dependency edge change') {
      const upgrade = full.plan?.changes.find((c) => c.id === 'database:shop/orders-db');
      expect(JSON.stringify(upgrade?.impact ?? {})).not.toContain('businessservice:shop/checkout');
    }
    if (name === 'a policy change') expect(full.plan?.policyChanges?.map((c) => c.name)).toEqual(['no-tier1-delete']);
    if (name === 'a custom resource whose CRD did not change')
      expect(full.plan?.changes.map((c) => [c.id, c.action])).toContainEqual(['gate:_cluster/front', 'update']);
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
