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

/** Two plumb repositories in one Git repository (a monorepo), each under its own directory, with one content cache. */
it("the review index of a plumb repository in a Git repository's subdirectory is its own, not its neighbour's", async () => {
  const tree = fixtureTree(fixture('review-pr'));
  const under = (dir: string, files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([p, t]) => [`${dir}/${p}`, t]));
  const data = tree['inventory/data.yaml'];
  const hosts = tree['inventory/hosts.yaml'];
  const dir = makeGitRepo(
    { ...under('team-a', tree), ...under('team-b', { ...tree, 'inventory/data.yaml': data.replace('16.3', '15.0') }) },
    { message: 'base' },
  );
  cleanup.push(() => removeGitRepo(dir));
  const base = commit(dir, {}, 'nothing') && 'HEAD~1';
  commit(
    dir,
    { 'team-a/inventory/hosts.yaml': hosts.replace('memoryGb: 8', 'memoryGb: 9'), 'team-b/inventory/hosts.yaml': hosts.replace('memoryGb: 8', 'memoryGb: 9') },
    'pr',
  );
  const cacheDir = mkdtempSync(join(tmpdir(), 'plumb-index-monorepo-'));
  cleanup.push(() => rmSync(cacheDir, { recursive: true, force: true }));
  const settings = cacheSettings({ PLUMB_CACHE_DIR: cacheDir });
  const answer = (r: Awaited<ReturnType<typeof runReview>>) => ({ plan: r.plan, diagnostics: r.diagnostics });
  for (const round of [1, 2]) {
    for (const root of ['team-a', 'team-b']) {
      const repo = join(dir, root);
      const full = await runReview({ repo, base, head: 'HEAD', now: NOW, incremental: false, contentCache: false, renderCache: false });
      const indexed = await runReview({ repo, base, head: 'HEAD', now: NOW, contentCache: new ContentCache(settings), renderCache: false });
      expect([round, root, indexed.read, indexed.fallback]).toEqual([round, root, 'index', undefined]);
      expect(answer(indexed)).toEqual(answer(full));
    }
  }
});
