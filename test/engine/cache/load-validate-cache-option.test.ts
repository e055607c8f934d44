import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache, defaultContentCache, resetContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { fixture } from '../../helpers/run-cli.js';

/**
 * `loadRepository` and `validateRepository` take an engine caller's
 * `contentCache` for everything they open themselves (withContentCache): the
 * compiled kind validators and the CEL parses took the process-wide default,
 * so `contentCache: false` still wrote to the cache directory the environment
 * names, and a cache of the caller's own missed them.
 */
const KEY = '00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210';
let repo: string;
let envCache: string;
let ownCache: string;
const saved = { ...process.env };

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'plumb-load-cache-option-'));
  // a repository with kind schemas of its own (compiled validators) and CEL policies (parses)
  cpSync(join(fixture('load-schemas'), 'repo'), repo, { recursive: true });
  cpSync('policies', join(repo, 'policies'), { recursive: true });
  envCache = mkdtempSync(join(tmpdir(), 'plumb-load-env-cache-'));
  ownCache = mkdtempSync(join(tmpdir(), 'plumb-load-own-cache-'));
  Object.assign(process.env, { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: envCache, PLUMB_CACHE_KEY: KEY });
  resetContentCache();
});
afterAll(() => {
  process.env = { ...saved };
  resetContentCache();
  for (const d of [repo, envCache, ownCache]) rmSync(d, { recursive: true, force: true });
});

/** The namespaces a cache directory holds entries of. */
const namespaces = (dir: string) => (existsSync(join(dir, 'content')) ? readdirSync(join(dir, 'content')).sort() : []);

it('contentCache: false writes nothing to the environment cache; a cache of its own gets every namespace', async () => {
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
