import { chmodSync, existsSync, truncateSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCacheKey } from '../../../engine/cache/code-signature.js';
import { makeDirectory, makeDirectorySync } from '../../../engine/model/make-directory.js';
import { makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { PROJECT_ROOT, runCli } from '../../helpers/run-cli.js';

/**
 * A content cache that cannot work is off, said once on stderr with the path
 * and the fix, and the command's output is what it would be without a cache;
 * a PLUMB_CACHE_KEY too weak to trust is an error that never shows the key.
 */
let root: string;
let repo: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plumb-cache-problems-'));
  repo = makeGitRepo({
    'plumb.yaml': 'inventory: ["inventory/**/*.yaml"]\n',
    'inventory/app.yaml': 'apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: web, namespace: shop}\nspec: {version: "1.0"}\n',
  });
});
afterAll(() => {
  removeGitRepo(repo);
  rmSync(root, { recursive: true, force: true });
});

const count = (text: string, needle: string) => text.split(needle).length - 1;
const env = (extra: Record<string, string | undefined>) => ({ PLUMB_CACHE: 'on', PLUMB_CACHE_KEY: undefined, XDG_STATE_HOME: join(root, 'state'), ...extra });

/** Every file under `dir`, with its bytes. */
function files(dir: string): { path: string; bytes: Buffer }[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

describe('a cache directory that cannot hold files', () => {
  it('makeDirectory ends on procfs (Node’s recursive mkdir loops there) and under a file, with the errno', async () => {
    expect(() => makeDirectorySync('/proc/self/plumb/content')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    await expect(makeDirectory('/proc/self/plumb/content')).rejects.toMatchObject({ code: 'ENOENT' });
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(() => makeDirectorySync(join(file, 'content', 'parse'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    await expect(makeDirectory(join(file, 'content'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    makeDirectorySync(join(root, 'made', 'a', 'b'), 0o700);
    await makeDirectory(join(root, 'made', 'a', 'c'));
    expect(statSync(join(root, 'made', 'a', 'b')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'made', 'a', 'c')).isDirectory()).toBe(true);
  });

  it('PLUMB_CACHE_DIR on procfs or a file: validate and plan end, answer as without a cache, and say once why the cache is off', async () => {
    const file = join(root, 'cache-is-a-file');
    writeFileSync(file, 'not a directory');
    const uncached = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE: 'off' }) });
    for (const dir of ['/proc/self', file]) {
      const run = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE_DIR: dir }) });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(JSON.parse(uncached.stdout));
      expect(count(run.stderr, 'cache.unwritable')).toBe(1);
      expect(run.stderr).toContain(`${join(dir, 'content')}  warning  cache.unwritable`);
      expect(run.stderr).toContain('hint: set PLUMB_CACHE_DIR to a writable directory');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  }, 240_000);
});

describe('a cache write that fails half-way', () => {
  /** Every temporary file under `dir` (a write not renamed into place). */
  const temporaries = (dir: string) => files(dir).filter((f) => f.path.endsWith('.tmp'));

  it('leaves no temporary file behind when the rename fails (a directory in the way of every bucket)', async () => {
    const dir = join(root, 'cache-renames-fail');
    // a directory where each bucket file goes: its temporary is written, and the rename over it fails (EISDIR)
    const filled = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE_DIR: dir }) });
    expect(filled.code, filled.stderr).toBe(0);
    const buckets = files(join(dir, 'content')).filter((f) => /\/buckets\/[0-9a-f]{16}\/[0-9a-f]{2}$/.test(f.path));
    expect(buckets.length).toBeGreaterThan(0);
    for (const { path } of buckets) {
      rmSync(path);
      mkdirSync(join(path, 'x'), { recursive: true });
    }
    const uncached = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE: 'off' }) });
    const run = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE_DIR: dir }) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(uncached.stdout));
    expect(count(run.stderr, 'cache.unwritable')).toBe(1);
    expect(temporaries(dir)).toEqual([]);
  }, 120_000);

  // a real full file system: a 64 KiB tmpfs (needs root and the right to mount, as the CI container has)
  const mountable = (() => {
    if (process.getuid?.() !== 0) return false;
    const probe = mkdtempSync(join(tmpdir(), 'plumb-mount-probe-'));
    const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
    if (ok) spawnSync('umount', [probe]);
    rmSync(probe, { recursive: true, force: true });
    return ok;
  })();
  it.runIf(mountable)(
    'on a full disk (ENOSPC): the output is unchanged, one warning, and no half-written bucket keeps the space',
    async () => {
      const big = mkdtempSync(join(tmpdir(), 'plumb-full-disk-repo-'));
      const mount = mkdtempSync(join(tmpdir(), 'plumb-full-disk-'));
      try {
        // ~200 KB of documents: their parse entries cannot all fit in 64 KiB
        mkdirSync(join(big, 'inventory'));
        writeFileSync(join(big, 'plumb.yaml'), 'inventory: ["inventory/**/*.yaml"]\n');
        for (let f = 0; f < 40; f++)
          writeFileSync(
            join(big, 'inventory', `apps-${f}.yaml`),
            Array.from(
              { length: 20 },
              (_, i) =>
                `apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: app-${f}-${i}, namespace: shop}\nspec: {version: "1.0", description: "${'x'.repeat(200)}"}\n`,
            ).join('---\n'),
          );
        expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]).status).toBe(0);
        const uncached = await runCli(['validate', '--repo', big, '-o', 'json'], { env: env({ PLUMB_CACHE: 'off' }) });
        for (let round = 0; round < 2; round++) {
          const run = await runCli(['validate', '--repo', big, '-o', 'json'], { env: env({ PLUMB_CACHE_DIR: join(mount, 'cache') }) });
          expect(run.code).toBe(0);
          expect(JSON.parse(run.stdout)).toEqual(JSON.parse(uncached.stdout));
          expect(count(run.stderr, 'cache.unwritable')).toBe(1);
          expect(run.stderr).toContain('ENOSPC');
          expect(temporaries(mount)).toEqual([]);
        }
      } finally {
        spawnSync('umount', [mount]);
        rmSync(mount, { recursive: true, force: true });
        rmSync(big, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe('a cache file far larger than plumb writes', () => {
  it('is not read (its bytes come before their MAC can be checked): a sparse 1.5 GB bucket costs neither the memory nor the time', async () => {
    const dir = join(root, 'cache-sparse');
    const first = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE_DIR: dir }) });
    expect(first.code, first.stderr).toBe(0);
    const buckets = files(join(dir, 'content')).filter((f) => /\/buckets\/[0-9a-f]{16}\/[0-9a-f]{2}$/.test(f.path));
    expect(buckets.length).toBeGreaterThan(0);
    // what a poisoned restored cache can hold: every bucket a hole of 1.5 GB (no disk used)
    for (const { path } of buckets) truncateSync(path, 1536 * 1024 * 1024);
    const tsx = import.meta.resolve('tsx');
    const reportRss = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))`;
    const run = spawnSync(
      process.execPath,
      ['--import', tsx, '--import', reportRss, join(PROJECT_ROOT, 'cli/main.ts'), 'validate', '--repo', repo, '-o', 'json'],
      {
        env: { ...process.env, ...env({ PLUMB_CACHE_DIR: dir }), NO_COLOR: '1' } as NodeJS.ProcessEnv,
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(first.stdout));
    const kb = Number(/maxrss=(\d+)/.exec(run.stderr)?.[1]);
    expect(kb).toBeGreaterThan(0);
    expect(kb).toBeLessThan(1024 * 1024);
  }, 120_000);
});

describe('a key file that cannot be trusted', () => {
  it('wrong mode, not a regular file: the cache is off and stderr says so once, with the path and the fix; stdout is unchanged', async () => {
    const uncached = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE: 'off' }) });
    const cases: [string, (file: string) => void, string][] = [
      [
        'mode 0644',
        (file) => {
          writeFileSync(file, Buffer.alloc(32, 7));
          chmodSync(file, 0o644);
        },
        'hint: chmod 600 ',
      ],
      ['a directory', (file) => mkdirSync(file), 'hint: remove '],
      ['short', (file) => writeFileSync(file, 'abc', { mode: 0o600 }), 'hint: remove '],
    ];
    for (const [name, plant, fix] of cases) {
      const state = join(root, `state-${name.replace(/\W/g, '-')}`);
      const file = join(state, 'plumb', 'cache-code.key');
      mkdirSync(join(state, 'plumb'), { recursive: true });
      plant(file);
      const cacheDir = join(root, `cache-${name.replace(/\W/g, '-')}`);
      const run = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ XDG_STATE_HOME: state, PLUMB_CACHE_DIR: cacheDir }) });
      expect({ name, code: run.code }).toEqual({ name, code: 0 });
      expect(JSON.parse(run.stdout)).toEqual(JSON.parse(uncached.stdout));
      expect({ name, told: count(run.stderr, 'cache.key-unusable') }).toEqual({ name, told: 1 });
      expect(run.stderr).toContain(`${file}  warning  cache.key-unusable`);
      expect(run.stderr).toContain(`${fix}${file}`);
      // the cache is off: nothing was written
      expect(files(cacheDir).filter((f) => !f.path.endsWith('.trimmed'))).toEqual([]);
    }
  }, 240_000);

  it('a good key file: no warning, entries written, and its bytes are in no cache file and no output', async () => {
    const state = join(root, 'state-good');
    const cacheDir = join(root, 'cache-good');
    const first = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ XDG_STATE_HOME: state, PLUMB_CACHE_DIR: cacheDir }) });
    expect(first.stderr).toBe('');
    const key = readFileSync(join(state, 'plumb', 'cache-code.key'));
    expect(statSync(join(state, 'plumb', 'cache-code.key')).mode & 0o777).toBe(0o600);
    const cached = files(cacheDir);
    expect(cached.length).toBeGreaterThan(1);
    for (const needle of [key, Buffer.from(key.toString('hex')), Buffer.from(key.toString('base64'))])
      for (const f of [...cached, { path: 'stdout', bytes: Buffer.from(first.stdout) }])
        expect({ file: f.path, found: f.bytes.includes(needle) }).toEqual({ file: f.path, found: false });
  }, 240_000);
});

describe('PLUMB_CACHE_KEY', () => {
  it('takes 32+ random bytes as hex or base64; refuses less, another text, or a run of repeated bytes', () => {
    const hex = 'a3f1c29b7e5d48016f2e9c3b1a7d5e4f0c8b6a29d3e7f1c5b9a8d2e6f4c1b7a3';
    expect(decodeCacheKey(hex)).toHaveLength(32);
    expect(decodeCacheKey(`${hex}\n`)).toHaveLength(32);
    expect(decodeCacheKey(Buffer.from(hex, 'hex').toString('base64'))).toHaveLength(32);
    expect(decodeCacheKey(Buffer.from(hex, 'hex').toString('base64url'))).toHaveLength(32);
    expect(decodeCacheKey('hunter2')).toEqual({ problem: expect.stringContaining('fewer than 32 bytes') });
    expect(decodeCacheKey(hex.slice(0, 62))).toEqual({ problem: expect.stringContaining('fewer than 32 bytes') });
    expect(decodeCacheKey('correct horse battery staple correct horse battery staple')).toEqual({ problem: 'is neither hex nor base64' });
    expect(decodeCacheKey('0'.repeat(64))).toEqual({ problem: expect.stringContaining('not random') });
    expect(decodeCacheKey('ab'.repeat(40))).toEqual({ problem: expect.stringContaining('not random') });
  });

  it('a weak key is an error with a hint, exit 1 and no stack trace, and the key is in no output; a good one is never shown either', async () => {
    const weak = 'weak-cache-key-7';
    const run = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE_KEY: weak, PLUMB_CACHE_DIR: join(root, 'cache-weak') }) });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('cache.weak-key');
    expect(run.stdout + run.stderr).toContain('openssl rand -hex 32');
    expect(run.stdout + run.stderr).not.toContain(weak);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const good = 'f0e1d2c3b4a5968778695a4b3c2d1e0f1f2e3d4c5b6a79881726354453627180';
    const cacheDir = join(root, 'cache-shared');
    for (const args of [['validate'], ['plan', '--rev', 'HEAD']]) {
      const ok = await runCli([...args, '--repo', repo, '-o', 'json'], { env: env({ PLUMB_CACHE_KEY: good, PLUMB_CACHE_DIR: cacheDir }) });
      expect(ok.stdout + ok.stderr).not.toContain(good);
      expect(ok.stderr).not.toContain('cache.');
    }
    const cached = files(cacheDir);
    expect(cached.length).toBeGreaterThan(1);
    for (const f of cached) for (const needle of [good, Buffer.from(good, 'hex').toString('base64')]) expect(f.bytes.includes(needle)).toBe(false);
  }, 240_000);
});
