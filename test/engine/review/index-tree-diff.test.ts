import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { runReview } from '../../../engine/review/run-review.js';
import { branch, checkout, commit, git, head, makeGitRepo, removeGitRepo, type FileTree } from '../../helpers/git-repo.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { fixture } from '../../helpers/run-cli.js';

const NOW = new Date('2026-01-05T20:00:00Z');

const GADGET_SCHEMA = JSON.stringify({ type: 'object', properties: { spec: { type: 'object' } } });
const CACHE_HOST = `apiVersion: plumb.io/v1
kind: Host
metadata:
  name: cache-host-1
  namespace: shop
spec:
  os: linux
  memoryGb: 4
`;

/**
 * The indexed review learns what a pull request changed from `git diff-tree`
 * and never lists either revision: what it reads of the head is the base's
 * index with that diff applied. Files the load never reads (a README) do not
 * count; plumb.yaml and kind schemas send the review down the full path; a
 * symbolic link the base already had keeps its warning (from the index, as
 * nothing lists the trees any more).
 */
describe('the indexed review reads the change from git diff-tree, not from listings', () => {
  let dir: string;
  let cacheDir: string;
  let base: string;
  const shas: Record<string, string> = {};
  const prs: Record<string, { change: (t: FileTree) => FileTree; route: string }> = {
    'a README, a new inventory file and an edit': {
      change: (t) => ({
        'README.md': 'the shop\n',
        'inventory/cache.yaml': CACHE_HOST,
        'inventory/data.yaml': (t['inventory/data.yaml'] as string).replace('16.3', '16.4'),
      }),
      route: 'index',
    },
    'a file deleted beside an edit': {
      change: (t) => ({ 'inventory/reports.yaml': null, 'inventory/data.yaml': (t['inventory/data.yaml'] as string).replace('16.3', '16.4') }),
      route: 'index',
    },
    'a kind schema added': {
      change: (t) => ({ 'schemas/Gadget.schema.json': GADGET_SCHEMA, 'inventory/data.yaml': (t['inventory/data.yaml'] as string).replace('16.3', '16.4') }),
      route: 'schemas/Gadget.schema.json changed',
    },
    'plumb.yaml changed': {
      change: (t) => ({
        'plumb.yaml': `${t['plumb.yaml']}\n# a comment\n`,
        'inventory/data.yaml': (t['inventory/data.yaml'] as string).replace('16.3', '16.4'),
      }),
      route: 'plumb.yaml changed',
    },
  };

  beforeAll(() => {
    const tree = { ...fixtureTree(fixture('review-pr')), 'README.md': 'shop\n' };
    dir = makeGitRepo(tree, { message: 'base' });
    // a symbolic link in the inventory: every load warns that it is skipped
    symlinkSync('data.yaml', join(dir, 'inventory', 'alias.yaml'));
    base = commit(dir, {}, 'a link');
    for (const [name, pr] of Object.entries(prs)) {
      checkout(dir, base);
      branch(dir, `pr-${Object.keys(shas).length}`, { checkout: true });
      shas[name] = commit(dir, pr.change(tree), name);
    }
    // the link retargeted: a symbolic link on both sides of the diff
    checkout(dir, base);
    branch(dir, 'pr-link', { checkout: true });
    rmSync(join(dir, 'inventory', 'alias.yaml'));
    symlinkSync('apps.yaml', join(dir, 'inventory', 'alias.yaml'));
    shas['the symbolic link retargeted'] = commit(dir, {}, 'retarget');
    checkout(dir, base);
    cacheDir = mkdtempSync(join(tmpdir(), 'plumb-index-tree-diff-'));
  });
  afterAll(() => {
    removeGitRepo(dir);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const answer = (r: Awaited<ReturnType<typeof runReview>>) => ({ plan: r.plan, diagnostics: r.diagnostics, policies: r.policies.map((p) => p.name) });
  const routes: Record<string, string> = {
    ...Object.fromEntries(Object.entries(prs).map(([name, pr]) => [name, pr.route])),
    'the symbolic link retargeted': 'inventory/alias.yaml is a symbolic link on one side',
  };

  it.each(Object.keys(routes))('%s', async (name) => {
    expect(git(dir, 'ls-tree', base, 'inventory/alias.yaml')).toMatch(/^120000 /);
    const full = answer(await runReview({ repo: dir, base, head: shas[name], now: NOW, incremental: false, contentCache: false, renderCache: false }));
    // the skipped link is reported by the full review: the indexed one must report it too
    expect(full.diagnostics.map((d) => [d.code, d.file])).toContainEqual(['load.symlink-skipped', 'inventory/alias.yaml']);
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, name.replace(/\W+/g, '-')) });
    const cold = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    const warm = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    for (const run of [cold, warm]) expect(run.read === 'index' ? 'index' : run.fallback).toContain(routes[name]);
    expect(answer(cold)).toEqual(full);
    expect(answer(warm)).toEqual(full);
    if (warm.read === 'index') {
      // the head's files, never listed: the base's index with the diff applied, as a load of the whole head records them
      const whole = await loadRepository({ repo: dir, rev: shas[name], contentCache: false });
      expect([...warm.head.files]).toEqual([...whole.files]);
    }
  });
});
