import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { commit, makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';

/**
 * Property: whatever the repository, a load (and validation) through the
 * persistent cache — cold, warm, and warm after the repository changed —
 * equals a load without it, for the work tree and for a revision.
 */
const names = ['api', 'db', 'web', 'cache', 'queue'];
const doc = fc.oneof(
  fc
    .record({ kind: fc.constantFrom('Application', 'Database', 'Host'), name: fc.constantFrom(...names), dep: fc.option(fc.constantFrom(...names)) })
    .map(
      ({ kind, name, dep }) =>
        `apiVersion: plumb.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  version: "1"\n${dep ? `relations:\n  - type: dependsOn\n    target: application:${dep}\n` : ''}`,
    ),
  fc.constantFrom(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: shop\ndata:\n  a: "1"\n',
    'kind: [broken\n',
    '- just\n- a list\n',
    'a: &x 1\nb: *x\n',
  ),
);
const file = fc.array(doc, { minLength: 1, maxLength: 3 }).map((docs) => docs.join('---\n'));
const tree = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'sub/e', 'sub/f'), file, { minKeys: 1, maxKeys: 5 });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-cache-prop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('cached and uncached loads agree over generated repositories and their next commit', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(tree, tree, async (before, after) => {
      const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: join(dir, String(run++)) }));
      const files = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [`inventory/${k}.yaml`, v]));
      const repo = makeGitRepo({ 'plumb.yaml': 'inventory: [inventory/**/*.yaml]\n', ...files(before) });
      try {
        const view = async (rev: string | undefined, contentCache: ContentCache | false) => {
          const r = await loadRepository({ repo, rev, contentCache });
          return { cis: r.cis, files: r.files, policies: r.policyDocuments, diagnostics: validateRepository(r).diagnostics };
        };
        const check = async () => {
          for (const rev of [undefined, 'HEAD']) {
            const uncached = await view(rev, false);
            expect(await view(rev, cache)).toEqual(uncached);
            expect(await view(rev, new ContentCache(cache.settings))).toEqual(uncached);
          }
        };
        await check();
        const removed = Object.fromEntries(
          Object.keys(before)
            .filter((k) => !(k in after))
            .map((k) => [`inventory/${k}.yaml`, null]),
        );
        commit(repo, { ...files(after), ...removed }, 'next');
        await check();
      } finally {
        removeGitRepo(repo);
      }
    }),
    { numRuns: 12 },
  );
}, 180_000);
