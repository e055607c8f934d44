import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach } from 'vitest';
import { resetContentCache } from '../../engine/cache/content-cache.js';

/** A fixed cache key (PLUMB_CACHE_KEY: 32 bytes as hex) for tests that open a content cache of their own. */
export const TEST_CACHE_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';

/**
 * Gives each test of the calling file a content cache of its own: before each, PLUMB_CACHE=on, PLUMB_CACHE_DIR a fresh
 * directory named by `prefix` and PLUMB_CACHE_KEY {@link TEST_CACHE_KEY} (plus `env`), the process-wide cache
 * reopened; after the file, the environment as it was and every directory made removed. Registers the hooks, so call
 * it at the top of a test file.
 *
 * @returns `temp(prefix)`: a fresh directory removed after the file; `cacheDir()`: the current test's cache directory.
 */
export function privateCacheEach(prefix: string, env: NodeJS.ProcessEnv = {}): { temp: (prefix: string) => string; cacheDir: () => string } {
  const saved = { ...process.env };
  const made: string[] = [];
  let cacheDir = '';
  const temp = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), name));
    made.push(dir);
    return dir;
  };
  beforeEach(() => {
    cacheDir = temp(prefix);
    Object.assign(process.env, { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE_KEY: TEST_CACHE_KEY, ...env });
    resetContentCache();
  });
  afterAll(() => {
    process.env = { ...saved };
    resetContentCache();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return { temp, cacheDir: () => cacheDir };
}

/** Runs `body` with the content cache on or off (PLUMB_CACHE), reopened before; on again (and reopened) after. */
export async function withCache<T>(on: boolean, body: () => Promise<T>): Promise<T> {
  process.env.PLUMB_CACHE = on ? 'on' : 'off';
  resetContentCache();
  try {
    return await body();
  } finally {
    process.env.PLUMB_CACHE = 'on';
    resetContentCache();
  }
}

/** Every file under `dir`, as bytes (none when it does not exist): what a cache directory holds, to search for a value. */
export function filesUnder(dir: string): Buffer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)));
}
