import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache, defaultContentCache, resetContentCache } from '../../../engine/cache/content-cache.js';
import { DIFF_TEXT_NAMESPACE } from '../../../engine/diff/text-diff.js';
import { runReview } from '../../../engine/review/run-review.js';
import { branch, checkout, commit, git, head, makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { fixture } from '../../helpers/run-cli.js';

/**
 * An engine caller's `contentCache` reaches every cache the review's callees
 * open themselves (engine/cache/content-cache.ts: withContentCache): with
 * `false` the review writes nothing to the cache directory the environment
 * names, and with a cache of its own its diff texts go there — the diff-text
 * cache (engine/diff/text-diff.ts) took the process-wide default either way.
 */
const NOW = new Date('2026-01-05T20:00:00Z');
const KEY = '00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210';
let dir: string;
let envCache: string;
let ownCache: string;
let base: string;
let pr: string;
const saved = { ...process.env };

beforeAll(() => {
  const tree = fixtureTree(fixture('review-pr'));
  dir = makeGitRepo(tree, { message: 'base' });
  base = head(dir);
  branch(dir, 'pr', { checkout: true });
  const reports = String(git(dir, 'show', 'HEAD:inventory/reports.yaml')).replace(/version: .*/, 'version: "9.9.9"');
  pr = commit(dir, { 'inventory/reports.yaml': reports }, 'bump');
  checkout(dir, base);
  envCache = mkdtempSync(join(tmpdir(), 'plumb-review-env-cache-'));
  ownCache = mkdtempSync(join(tmpdir(), 'plumb-review-own-cache-'));
  Object.assign(process.env, { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: envCache, PLUMB_CACHE_KEY: KEY });
  resetContentCache();
});
afterAll(() => {
  process.env = { ...saved };
  resetContentCache();
  removeGitRepo(dir);
  rmSync(envCache, { recursive: true, force: true });
  rmSync(ownCache, { recursive: true, force: true });
});

const diffTexts = (cacheDir: string) => existsSync(join(cacheDir, 'content', DIFF_TEXT_NAMESPACE));

it('contentCache: false leaves the cache directory alone; a cache of its own gets the diff texts', async () => {
  const none = await runReview({ repo: dir, base, head: pr, now: NOW, contentCache: false, renderCache: false });
  expect(none.plan?.changes.some((c) => c.diff !== '')).toBe(true);
  defaultContentCache()?.flush();
  expect(diffTexts(envCache)).toBe(false);

  const own = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: ownCache, PLUMB_CACHE_KEY: KEY }));
  const cached = await runReview({ repo: dir, base, head: pr, now: NOW, contentCache: own, renderCache: false });
  own.flush();
  defaultContentCache()?.flush();
  expect(diffTexts(ownCache)).toBe(true);
  expect(diffTexts(envCache)).toBe(false);
  expect(JSON.parse(JSON.stringify(cached.plan?.changes))).toEqual(JSON.parse(JSON.stringify(none.plan?.changes)));

  // without the option, the environment's cache, as before
  await runReview({ repo: dir, base, head: pr, now: NOW, renderCache: false });
  defaultContentCache()?.flush();
  expect(diffTexts(envCache)).toBe(true);
});
