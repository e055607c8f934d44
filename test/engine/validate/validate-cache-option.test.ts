import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache, defaultContentCache, resetContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { evaluateInventoryPolicies } from '../../../engine/policy/evaluate-inventory.js';
import { compileHealthRules, healthCheckDiagnostics } from '../../../engine/apply/health-rules.js';
import { fixture, PROJECT_ROOT } from '../../helpers/run-cli.js';

/**
 * An engine caller's `contentCache` reaches the caches load and validation open themselves (withContentCache):
 * the policies' CEL syntax trees (namespace cel-parse) and the compiled kind validators (schema-code-2) went to the
 * cache directory the environment names with `contentCache: false`, and a cache of the caller's own missed them
 * (noticed in the last session's closing note; the CLI's --no-cache and PLUMB_CACHE=off were respected, an engine
 * caller's option not).
 */
const KEY = '00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210';
const saved = { ...process.env };
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
/** A fresh directory for this test as the environment's cache (PLUMB_CACHE_DIR). */
const environmentCache = () => {
  const dir = tempDir('plumb-validate-env-cache-');
  Object.assign(process.env, { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: dir, PLUMB_CACHE_KEY: KEY });
  resetContentCache();
  return dir;
};
afterAll(() => {
  process.env = { ...saved };
  resetContentCache();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The namespaces a cache directory holds entries of. */
const namespaces = (dir: string) => (existsSync(join(dir, 'content')) ? readdirSync(join(dir, 'content')).sort() : []);

it('contentCache: false on load and validate writes no CEL parse (nor anything else) to the environment cache', async () => {
  const envCache = environmentCache();
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

it('the compiled kind validators follow it too: false writes nothing to the environment cache; a cache of its own gets every namespace', async () => {
  // a repository with kind schemas of its own (compiled validators) and CEL policies (parses)
  const repo = tempDir('plumb-load-cache-option-');
  cpSync(join(fixture('load-schemas'), 'repo'), repo, { recursive: true });
  cpSync('policies', join(repo, 'policies'), { recursive: true });
  const envCache = environmentCache();
  const ownCache = tempDir('plumb-load-own-cache-');

  const none = await loadRepository({ repo, contentCache: false });
  validateRepository(none, { contentCache: false });
  defaultContentCache()?.flush();
  expect(namespaces(envCache)).toEqual([]);

  const own = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: ownCache, PLUMB_CACHE_KEY: KEY }));
  const loaded = await loadRepository({ repo, contentCache: own });
  validateRepository(loaded, { contentCache: own });
  own.flush();
  defaultContentCache()?.flush();
  expect(namespaces(envCache)).toEqual([]);
  expect(namespaces(ownCache).length).toBeGreaterThan(0);

  // the default is still the environment's
  const env = await loadRepository({ repo });
  validateRepository(env);
  defaultContentCache()?.flush();
  expect(namespaces(envCache)).toEqual(namespaces(ownCache));
});

it("plumb.yaml's health.checks, compiled after the load by validate and apply, follow the cache the repository was loaded with", async () => {
  // expressions no other test compiles, so the CEL parse cache is asked afresh
  const repo = tempDir('plumb-health-cache-option-');
  mkdirSync(join(repo, 'inventory'));
  writeFileSync(
    join(repo, 'plumb.yaml'),
    [
      'inventory: ["inventory/*.yaml"]',
      'health:',
      '  checks:',
      '    - {apiVersion: example.com/v1, kind: Widget, current: "status.phase == \'Ready-7f3a\'", failed: "status.phase == \'Broken-7f3a\'"}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(repo, 'inventory', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n');
  const envCache = environmentCache();
  const ownCache = tempDir('plumb-health-own-cache-');

  const none = await loadRepository({ repo, contentCache: false });
  expect(healthCheckDiagnostics(none.config.health, () => ({}))).toEqual([]);
  expect(compileHealthRules(none.config.health)).toBeTypeOf('function');
  defaultContentCache()?.flush();
  expect(namespaces(envCache)).toEqual([]);

  const own = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: ownCache, PLUMB_CACHE_KEY: KEY }));
  const loaded = await loadRepository({ repo, contentCache: own });
  compileHealthRules(loaded.config.health);
  own.flush();
  defaultContentCache()?.flush();
  expect(namespaces(envCache)).toEqual([]);
  expect(namespaces(ownCache)).toContain('cel-parse');
});
