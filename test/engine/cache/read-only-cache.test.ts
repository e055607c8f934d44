import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../../helpers/run-cli.js';

// A cache restored read-only (a CI cache mounted without write access, a shared directory of another user) must
// serve what it holds and never fail or change a run. Root ignores permission bits, so as root the directory is
// made immutable (chattr +i, which binds root too); elsewhere its write bits are cleared.
const root = process.getuid?.() === 0;

/** Makes every directory and file under `dir` (and `dir`) unwritable; returns the undo. */
function readOnly(dir: string): () => void {
  const paths: string[] = [dir, ...(readdirSync(dir, { recursive: true }) as string[]).map((p) => join(dir, p))];
  if (root) {
    const set = spawnSync('chattr', ['-R', '+i', dir]);
    if (set.status !== 0) throw new Error(`chattr +i: ${set.stderr}`);
    return () => void spawnSync('chattr', ['-R', '-i', dir]);
  }
  const modes = paths.map((p) => [p, statSync(p).mode] as const);
  for (const p of paths) chmodSync(p, statSync(p).mode & ~0o222);
  return () => {
    for (const [p, mode] of modes) chmodSync(p, mode);
  };
}

/** Whether the directory can be made read-only here (chattr needs a file system that keeps the attribute). */
function readOnlyWorks(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'plumb-ro-probe-'));
  try {
    const undo = readOnly(probe);
    try {
      writeFileSync(join(probe, 'x'), 'x');
      return false;
    } catch {
      return true;
    } finally {
      undo();
    }
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe.skipIf(!readOnlyWorks())('a read-only cache directory', () => {
  let dir: string;
  let undo: (() => void) | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-ro-cache-'));
  });
  afterEach(() => {
    undo?.();
    undo = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  // the test setup turns the cache off for child processes unless asked (test/setup/content-cache.ts)
  const run = (args: string[], env: Record<string, string>) =>
    runCli([...args, '--repo', PROJECT_ROOT], { env: { PLUMB_CACHE: 'on', PLUMB_CACHE_KEY: undefined, ...env } });

  it('serves a warm cache it cannot write: the same output as without a cache, no warning', async () => {
    const uncached = await run(['validate'], { PLUMB_CACHE: 'off' });
    const warmed = await run(['validate'], { PLUMB_CACHE_DIR: dir });
    expect(warmed.code).toBe(uncached.code);
    expect(readdirSync(join(dir, 'content')).length).toBeGreaterThan(1); // entries, not only the trim marker
    undo = readOnly(dir);
    const served = await run(['validate'], { PLUMB_CACHE_DIR: dir });
    expect(served.code).toBe(uncached.code);
    expect(served.stdout).toBe(uncached.stdout);
    expect(served.stderr).toBe('');
  });

  it('a cold one it cannot create anything in is one cache.unwritable warning; a plan answers as without a cache', async () => {
    mkdirSync(join(dir, 'cache'));
    undo = readOnly(join(dir, 'cache'));
    const uncached = await run(['plan', '-o', 'json'], { PLUMB_CACHE: 'off' });
    const cold = await run(['plan', '-o', 'json'], { PLUMB_CACHE_DIR: join(dir, 'cache') });
    expect(cold.code).toBe(uncached.code);
    // the same plan but for when it was made (and its hash, which covers that)
    const plan = (text: string) => JSON.stringify({ ...JSON.parse(text), createdAt: 0, hash: 0 });
    expect(plan(cold.stdout)).toBe(plan(uncached.stdout));
    expect(cold.stderr.match(/cache\.unwritable/g)).toHaveLength(1);
    expect(cold.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(join(dir, 'cache'))).toEqual([]);
  });
});
