import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultContentCache, resetContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { evaluateInventoryPolicies } from '../../../engine/policy/evaluate-inventory.js';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';

/**
 * An engine caller's `contentCache: false` reaches the caches validation opens itself: the policies' CEL
 * syntax trees (namespace cel-parse) went to the cache directory the environment names (noticed in the last
 * session's closing note; the CLI's --no-cache and PLUMB_CACHE=off were respected, an engine caller's option not).
 */
const KEY = '00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210';
let envCache: string;
const saved = { ...process.env };
beforeAll(() => {
  envCache = mkdtempSync(join(tmpdir(), 'plumb-validate-env-cache-'));
  Object.assign(process.env, { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: envCache, PLUMB_CACHE_KEY: KEY });
  resetContentCache();
});
afterAll(() => {
  process.env = { ...saved };
  resetContentCache();
  rmSync(envCache, { recursive: true, force: true });
});

it('contentCache: false on load and validate writes no CEL parse (nor anything else) to the environment cache', async () => {
  const repo = await loadRepository({ repo: PROJECT_ROOT, contentCache: false });
  expect(repo.policyDocuments.length).toBeGreaterThan(0);
  const { graph, diagnostics } = validateRepository(repo, { contentCache: false });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(evaluateInventoryPolicies(repo, graph, { now: new Date('2026-12-01T00:00:00Z') }).policies.length).toBeGreaterThan(0);
  defaultContentCache()?.flush();
  expect(existsSync(join(envCache, 'content', 'cel-parse'))).toBe(false);
  expect(existsSync(join(envCache, 'content'))).toBe(false);
  // without the option, the environment's cache, as before
  const again = await loadRepository({ repo: PROJECT_ROOT });
  evaluateInventoryPolicies(again, validateRepository(again).graph, { now: new Date('2026-12-01T00:00:00Z') });
  defaultContentCache()?.flush();
  expect(existsSync(join(envCache, 'content', 'cel-parse'))).toBe(true);
});
