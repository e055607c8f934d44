import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { runReview } from '../../../engine/review/run-review.js';
import { branch, checkout, commit, head, makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';

/**
 * The indexed review's safety net (engine/review/indexed-review.ts UnreadCIError):
 * a CI the review holds by identity only answers its kind, apiVersion,
 * `kubernetes`, spec.minUp and spec.criticality and throws on anything else,
 * and the review then runs in full. Every reader on today's plan path reads
 * only those (waves: kind; impact: minUp, criticality; policies' relations and
 * dependents: identities), so no pull request reaches it; here a reader that
 * reads more — a group's threshold also reading its metadata, as a future
 * rule might — is injected, and a real Git repository's review must come back from
 * the full path with the full review's answer.
 */
vi.mock('../../../engine/impact/member-threshold.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../engine/impact/member-threshold.js')>();
  type Graph = ConstructorParameters<typeof original.MemberThreshold>[0];
  type Index = ConstructorParameters<typeof original.MemberThreshold>[1];
  class ReadingMore extends original.MemberThreshold {
    constructor(
      private readonly g: Graph,
      private readonly i: Index,
    ) {
      super(g, i);
    }
    override memberDown(member: number, group: number): boolean {
      void (this.g.getNodeAttribute(this.i.ids[group], 'ci').object.metadata as unknown);
      return super.memberDown(member, group);
    }
  }
  return { ...original, MemberThreshold: ReadingMore };
});

const NOW = new Date('2026-01-05T20:00:00Z');
const host = (n: string) => `apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: ${n}, namespace: shop}\nspec: {os: linux, memoryGb: 4}\n`;
const app = (n: string, h: string) =>
  `apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: ${n}, namespace: shop}\nspec: {version: "1"}\nrelations:\n  - {type: runsOn, target: host:${h}}\n  - {type: partOf, target: group:pool}\n`;

describe('a plan reading more of a CI than the indexed review holds', () => {
  let dir: string;
  let cacheDir: string;
  let base: string;
  let pr: string;
  beforeAll(() => {
    const tree: Record<string, string> = {
      'plumb.yaml': 'inventoryId: unread\n',
      'inventory/pool.yaml': 'apiVersion: plumb.io/v1\nkind: Group\nmetadata: {name: pool, namespace: shop}\nspec: {minUp: 2}\n',
    };
    for (let i = 1; i <= 3; i++) {
      tree[`inventory/h${i}.yaml`] = host(`h${i}`);
      tree[`inventory/m${i}.yaml`] = app(`m${i}`, `h${i}`);
    }
    dir = makeGitRepo(tree, { message: 'base' });
    base = head(dir);
    branch(dir, 'pr', { checkout: true });
    pr = commit(dir, { 'inventory/h1.yaml': host('h1').replace('memoryGb: 4', 'memoryGb: 8') }, 'h1 resized');
    checkout(dir, base);
    cacheDir = mkdtempSync(join(tmpdir(), 'plumb-unread-ci-'));
  });
  afterAll(() => {
    removeGitRepo(dir);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('throws UnreadCIError inside the indexed review, which then answers in full, as the full review does', async () => {
    const answer = (r: Awaited<ReturnType<typeof runReview>>) => JSON.parse(JSON.stringify({ plan: r.plan, diagnostics: r.diagnostics }));
    const full = await runReview({ repo: dir, base, head: pr, now: NOW, incremental: false, contentCache: false, renderCache: false });
    expect(full.plan?.changes.find((c) => c.id === 'host:shop/h1')?.impact?.affected.map((a) => a.id)).toContain('group:shop/pool');
    const settings = cacheSettings({ PLUMB_CACHE_DIR: cacheDir });
    for (const run of [0, 1]) {
      const r = await runReview({ repo: dir, base, head: pr, now: NOW, contentCache: new ContentCache(settings), renderCache: false });
      expect([run, r.read, r.fallback]).toEqual([run, 'full', 'the indexed review did not load group:shop/pool (read: object.metadata)']);
      expect(answer(r)).toEqual(answer(full));
    }
  });
});
