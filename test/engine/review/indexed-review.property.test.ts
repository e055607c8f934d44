import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { runReview } from '../../../engine/review/run-review.js';
import { commit, head, makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';

/**
 * Property: whatever the repository and whatever the pull request, a review
 * read through the base's index (engine/review/indexed-review.ts) — cold and
 * warm — gives the same plan JSON and diagnostics as a review that reads both
 * revisions whole. The generated CIs relate to each other with every kind of
 * relation impact and waves read (dependencies, groups, redundancy pairs,
 * connectsTo meshes), references may dangle, identities may repeat, and a
 * change-scope policy reads `relations`, `dependents` and `impact`.
 */
const names = ['api', 'db', 'web', 'cache', 'queue', 'edge', 'auth', 'mail', 'search', 'feed'];
const kinds = ['Application', 'Database', 'Host', 'BusinessService'];
const types = ['dependsOn', 'runsOn', 'partOf', 'memberOf', 'connectsTo', 'alternativeTo', 'consumesApi', 'contains'];
const relation = fc.record({ type: fc.constantFrom(...types), kind: fc.constantFrom(...kinds), name: fc.constantFrom(...names) });
const ci = fc
  .record({
    kind: fc.constantFrom(...kinds),
    name: fc.constantFrom(...names),
    version: fc.constantFrom('1', '2'),
    minUp: fc.option(fc.constantFrom(1, 2)),
    relations: fc.array(relation, { maxLength: 2 }),
  })
  .map(({ kind, name, version, minUp, relations }) => ({
    id: `${kind}:${name}`,
    text: `apiVersion: plumb.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  version: "${version}"\n${
      kind === 'BusinessService' ? `  criticality: high\n${minUp ? `  minUp: ${minUp}\n` : ''}` : ''
    }${relations.length ? `relations:\n${relations.map((r) => `  - {type: ${r.type}, target: ${r.kind.toLowerCase()}:${r.name}}\n`).join('')}` : ''}`,
  }));
const file = fc.array(ci, { minLength: 1, maxLength: 3 });
const render = (docs: readonly { text: string }[]) => docs.map((d) => d.text).join('---\n');
const paths = ['a', 'b', 'c', 'd', 'e', 'sub/f'];
type Doc = { id: string; text: string };
/** A base revision: each identity defined once (a base defining one twice has no index; the head may). */
const tree = fc.dictionary(fc.constantFrom(...paths), file, { minKeys: 2, maxKeys: 6 }).map((t) => {
  const seen = new Set<string>();
  const out: Record<string, Doc[]> = {};
  for (const path of Object.keys(t).sort()) {
    const docs = t[path].filter((d) => !seen.has(d.id) && Boolean(seen.add(d.id)));
    if (docs.length) out[path] = docs;
  }
  return out;
});
/** The pull request: files replaced, added or deleted (null); `twice`: it may define an identity another file defines. */
const pullRequest = fc.record({
  edits: fc.dictionary(fc.constantFrom(...paths), fc.option(file, { freq: 3 }), { minKeys: 1, maxKeys: 2 }),
  twice: fc.nat(4).map((n) => n === 0),
});

/** The head: the base with the pull request's files, an identity written twice only when `twice`. */
function applied(base: Record<string, Doc[]>, pr: { edits: Record<string, Doc[] | null>; twice: boolean }): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const elsewhere = new Set(Object.entries(base).flatMap(([path, docs]) => (path in pr.edits ? [] : docs.map((d) => d.id))));
  for (const [path, docs] of Object.entries(pr.edits)) {
    if (docs === null) {
      out[path] = null;
      continue;
    }
    const kept = pr.twice ? docs : docs.filter((d) => !elsewhere.has(d.id) && Boolean(elsewhere.add(d.id)));
    out[path] = kept.length ? render(kept) : null;
  }
  return out;
}

const POLICY = `apiVersion: plumb.io/v1
kind: Policy
metadata:
  name: reads-the-graph
spec:
  action: audit
  severity: low
  scope: change
  validations:
    - expression: "false"
      messageExpression: "string(size(relations)) + ' relations, ' + string(size(dependents)) + ' dependents, ' + string(size(impact.affected)) + ' affected'"
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-indexed-review-prop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('an indexed review and a full review agree over generated repositories and pull requests', async () => {
  let run = 0;
  let indexed = 0;
  await fc.assert(
    fc.asyncProperty(tree, pullRequest, async (before, change) => {
      const files = (t: Record<string, string | null>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [`inventory/${k}.yaml`, v]));
      const baseFiles = Object.fromEntries(Object.entries(before).map(([k, docs]) => [k, render(docs)]));
      const repo = makeGitRepo({
        'plumb.yaml': 'inventory: [inventory/**/*.yaml]\npolicies: [policies/*.yaml]\n',
        'policies/p.yaml': POLICY,
        ...files(baseFiles),
      });
      try {
        const base = head(repo);
        const pr = commit(repo, files(applied(before, change)), 'pull request');
        const now = new Date('2026-01-05T12:00:00Z');
        const view = (r: Awaited<ReturnType<typeof runReview>>) => JSON.stringify({ plan: r.plan ?? null, diagnostics: r.diagnostics });
        const full = view(await runReview({ repo, base, head: pr, now, incremental: false, contentCache: false, renderCache: false }));
        const settings = cacheSettings({ PLUMB_CACHE_DIR: join(dir, String(run++)) });
        const cold = await runReview({ repo, base, head: pr, now, contentCache: new ContentCache(settings), renderCache: false });
        const warm = await runReview({ repo, base, head: pr, now, contentCache: new ContentCache(settings), renderCache: false });
        if (warm.read === 'index') indexed++;
        expect(view(cold)).toBe(full);
        expect(view(warm)).toBe(full);
      } finally {
        removeGitRepo(repo);
      }
    }),
    { numRuns: 25 },
  );
  // most generated pull requests are served by the index (the others fall back: duplicates, cycles)
  expect(indexed).toBeGreaterThanOrEqual(12);
}, 300_000);
