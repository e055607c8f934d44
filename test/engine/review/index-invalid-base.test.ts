import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { runReview } from '../../../engine/review/run-review.js';
import { commit, makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { fixture } from '../../helpers/run-cli.js';

const NOW = new Date('2026-01-05T20:00:00Z');
const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup) c();
});

/**
 * A base that does not load cleanly, in files the pull request does not
 * touch: an inventory file and a policy file that do not parse, and a schema
 * violation. The indexed review (engine/review/indexed-review.ts) takes an
 * unchanged inventory file's diagnostics from the index, but a file only the
 * policy globs match is read on every load: its diagnostics are listed once.
 */
it('an indexed review over a broken base lists each diagnostic of an unchanged file once, as the full review does', async () => {
  const tree = fixtureTree(fixture('review-pr'));
  const dir = makeGitRepo(
    {
      ...tree,
      'inventory/zz-bad.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: bad\n',
      'inventory/zz-bad2.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: bad2, namespace: shop}\nspec: {os: linux, memoryGb: lots}\n',
      'policies/broken.yaml': '\t\tkind: x: y: [\n',
      'policies/dup-key.yaml': 'apiVersion: plumb.io/v1\nkind: Policy\nkind: Policy\nmetadata: {name: dup}\n',
    },
    { message: 'base' },
  );
  cleanup.push(() => removeGitRepo(dir));
  const base = 'HEAD~1';
  commit(dir, { 'inventory/data.yaml': tree['inventory/data.yaml'].replace('16.3', '16.9') }, 'pr');
  const cacheDir = mkdtempSync(join(tmpdir(), 'plumb-index-invalid-base-'));
  cleanup.push(() => rmSync(cacheDir, { recursive: true, force: true }));
  const settings = cacheSettings({ PLUMB_CACHE_DIR: cacheDir });
  const answer = (r: Awaited<ReturnType<typeof runReview>>) => ({ plan: r.plan, diagnostics: r.diagnostics });
  const full = await runReview({ repo: dir, base, head: 'HEAD', now: NOW, incremental: false, contentCache: false, renderCache: false });
  expect(full.diagnostics.filter((d) => d.file === 'policies/broken.yaml').length).toBeGreaterThan(0);
  for (const run of ['cold', 'warm']) {
    const indexed = await runReview({ repo: dir, base, head: 'HEAD', now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    expect([run, indexed.read]).toEqual([run, 'index']);
    expect(answer(indexed)).toEqual(answer(full));
  }
});

/** Counts the whole revisions a review validates: each asks the content cache for its graph index once (engine/graph/graph-index.ts). */
class CountingCache extends ContentCache {
  validated = 0;
  override get<T>(namespace: string, key: string): T | undefined {
    if (namespace === 'graph') this.validated++;
    return super.get<T>(namespace, key);
  }
}

it('a base with no index (a duplicate identity) is learnt once: a later review validates the head only, with the same answer', async () => {
  const tree = fixtureTree(fixture('review-pr'));
  const dir = makeGitRepo({ ...tree, 'inventory/zz-copy.yaml': tree['inventory/reports.yaml'] }, { message: 'base' });
  cleanup.push(() => removeGitRepo(dir));
  commit(dir, { 'inventory/data.yaml': tree['inventory/data.yaml'].replace('16.3', '16.9') }, 'pr');
  const cacheDir = mkdtempSync(join(tmpdir(), 'plumb-index-none-'));
  cleanup.push(() => rmSync(cacheDir, { recursive: true, force: true }));
  const settings = cacheSettings({ PLUMB_CACHE_DIR: cacheDir });
  const full = await runReview({ repo: dir, base: 'HEAD~1', head: 'HEAD', now: NOW, incremental: false, contentCache: false, renderCache: false });
  const runs: number[] = [];
  for (const _ of [1, 2]) {
    const cache = new CountingCache(settings);
    const r = await runReview({ repo: dir, base: 'HEAD~1', head: 'HEAD', now: NOW, contentCache: cache, renderCache: false });
    expect([r.read, r.fallback]).toEqual(['full', 'the base has no index: the revision defines an identity twice']);
    expect({ plan: r.plan, diagnostics: r.diagnostics }).toEqual({ plan: full.plan, diagnostics: full.diagnostics });
    runs.push(cache.validated);
  }
  // the first review validated the base (to learn it has no index) and the head; the second the head alone,
  // exactly as a review that never looks for an index does (its validate lookups, one by one)
  const plain = new CountingCache(settings);
  await runReview({ repo: dir, base: 'HEAD~1', head: 'HEAD', now: NOW, contentCache: plain, renderCache: false, index: false });
  expect(runs[1]).toBe(plain.validated);
  expect(runs[1]).toBeLessThan(runs[0]);
});
