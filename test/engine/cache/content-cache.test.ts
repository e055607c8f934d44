import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheSettings, DEFAULT_CACHE_MAX_MB } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { cacheWarnings, resetCacheWarnings } from '../../../engine/cache/cache-warnings.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { commit, makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-cache-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (overrides: Partial<ReturnType<typeof cacheSettings>> = {}, salt?: string) =>
  new ContentCache({ ...cacheSettings({ PLUMB_CACHE_DIR: dir }), ...overrides }, salt);

/** Every entry file under the cache directory. */
function entries(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).map((p) => join(root, p)).filter((p) => statSync(p).isFile() && !p.endsWith('.trimmed'));
}

describe('cache settings', () => {
  it('lives in $PLUMB_CACHE_DIR/content, else $XDG_CACHE_HOME/plumb/content, else ~/.cache/plumb/content', () => {
    expect(cacheSettings({ PLUMB_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' }).dir).toBe('/c/content');
    expect(cacheSettings({ XDG_CACHE_HOME: '/x' }).dir).toBe('/x/plumb/content');
    expect(cacheSettings({}).dir).toMatch(/\/\.cache\/plumb\/content$/);
    // a relative directory is made absolute once, at start-up (the compile cache's trim compares it with Node's)
    expect(cacheSettings({ PLUMB_CACHE_DIR: 'rel' }).compileDir).toBe(join(process.cwd(), 'rel', 'compile'));
  });

  it('PLUMB_CACHE=off turns it off; the bound and age come from PLUMB_CACHE_MAX_MB and PLUMB_CACHE_MAX_AGE_DAYS, a bad value is the default', () => {
    for (const v of ['off', 'OFF', '0', 'false', 'no']) expect(cacheSettings({ PLUMB_CACHE: v }).enabled).toBe(false);
    expect(cacheSettings({ PLUMB_CACHE: 'on' }).enabled).toBe(true);
    expect(cacheSettings({ PLUMB_CACHE_MAX_MB: '10', PLUMB_CACHE_MAX_AGE_DAYS: '2' })).toMatchObject({ maxBytes: 10 * 1024 * 1024, maxAgeMs: 2 * 86_400_000 });
    expect(cacheSettings({ PLUMB_CACHE_MAX_MB: 'lots' }).maxBytes).toBe(DEFAULT_CACHE_MAX_MB * 1024 * 1024);
  });
});

describe('content cache', () => {
  it('never confuses a key holding a lone surrogate with the key holding U+FFFD there (UTF-8 hashing would), single and batched', () => {
    for (const namespace of ['render', 'parse']) {
      const cache = open();
      cache.set(namespace, 'x\uFFFD', 'replacement');
      cache.set(namespace, 'x\uD800', 'lone');
      cache.flush();
      const again = open();
      expect(again.get(namespace, 'x\uFFFD')).toBe('replacement');
      expect(again.get(namespace, 'x\uD800')).toBeUndefined();
      expect(again.get(namespace, 'x\uDC00')).toBeUndefined();
    }
  });

  it('gives back what was stored, by namespace and key; another plumb version (salt) does not see it', () => {
    const cache = open();
    const value = { text: 'a: 1\n', documents: [{ origin: { file: 'a.yaml', doc: 0, line: 1, column: 1 }, value: { a: 1, big: 2n ** 70n } }] };
    cache.set('render', 'k1', value);
    expect(cache.get('render', 'k1')).toEqual(value);
    expect(cache.get('tool-version', 'k1')).toBeUndefined();
    expect(open().get('render', 'k1')).toEqual(value);
    expect(open({}, 'another-version').get('render', 'k1')).toBeUndefined();
    expect(statSync(cache.pathOf('render', 'k1')).mode & 0o777).toBe(0o600);
  });

  it('a truncated, damaged or foreign entry is a miss, counted, and removed (never served)', () => {
    const cache = open();
    const damage: ((path: string) => void)[] = [
      (p) => truncateSync(p, statSync(p).size - 3),
      (p) => truncateSync(p, 5),
      (p) => {
        const bytes = readFileSync(p);
        bytes[bytes.length - 2] ^= 0xff;
        writeFileSync(p, bytes);
      },
      (p) => writeFileSync(p, 'not a cache entry at all'),
      // a whole, valid entry of another key copied over this one
      (p) => writeFileSync(p, readFileSync(cache.pathOf('render', 'other'))),
    ];
    cache.set('render', 'other', { x: 2 });
    for (const [i, hurt] of damage.entries()) {
      cache.set('render', 'k', { x: 1, i });
      hurt(cache.pathOf('render', 'k'));
      expect(cache.get('render', 'k')).toBeUndefined();
      expect(cache.stats.corrupt).toBe(i + 1);
      cache.set('render', 'k', { x: 1, i });
      expect(cache.get('render', 'k')).toEqual({ x: 1, i });
    }
  });

  it('an entry larger than the cache reads (PLUMB_CACHE_MAX_MB / 8) is not written: it says so, the cache stays on and keeps what it had', () => {
    const cache = open({ maxBytes: 8 * 1024 * 1024 });
    expect(cache.set('k8s', 'a'.repeat(64), { small: true })).toBe('written');
    expect(cache.set('k8s', 'a'.repeat(64), { big: 'x'.repeat(1.5 * 1024 * 1024) })).toBe('too-large');
    expect(cache.set('k8s', 'b'.repeat(64), { small: true })).toBe('written');
    const again = open({ maxBytes: 8 * 1024 * 1024 });
    expect(again.get('k8s', 'a'.repeat(64))).toEqual({ small: true });
    expect(again.stats.corrupt).toBe(0);
  });

  it('an unwritable cache directory turns writes off for the process and never fails the caller', () => {
    writeFileSync(join(dir, 'content'), 'a file where the directory should be');
    const cache = open();
    expect(() => cache.set('render', 'k', { x: 1 })).not.toThrow();
    expect(cache.get('render', 'k')).toBeUndefined();
    expect(cache.stats.writes).toBe(0);
  });

  it('never writes through a symbolic link below its directory (a restored or shared cache holding parse -> /elsewhere): it warns once and stops writing', () => {
    const outside = mkdtempSync(join(tmpdir(), 'plumb-cache-outside-'));
    try {
      const content = join(dir, 'content');
      mkdirSync(join(content, 'validate'), { recursive: true });
      mkdirSync(join(content, 'graph'), { recursive: true });
      symlinkSync(outside, join(content, 'parse')); // a namespace (batched: buckets)
      symlinkSync(outside, join(content, 'validate', 'buckets')); // a batched namespace's bucket directory
      symlinkSync(outside, join(content, 'render')); // a namespace (one file per entry)
      for (let i = 0; i < 256; i++) symlinkSync(outside, join(content, 'graph', i.toString(16).padStart(2, '0'))); // each fan-out directory
      resetCacheWarnings();
      for (const ns of ['render', 'graph', 'validate', 'parse']) {
        const cache = open();
        expect(() => cache.set(ns, 'k', { x: 1 })).not.toThrow();
        cache.flush();
        expect(cache.stats.writes).toBe(0);
      }
      expect(readdirSync(outside)).toEqual([]);
      expect(cacheWarnings().map((w) => w.code)).toContain('cache.unwritable');
      expect(cacheWarnings().find((w) => w.code === 'cache.unwritable')?.message).toContain('is a symbolic link');
      // a cache of its own directories still writes and reads
      rmSync(content, { recursive: true });
      const cache = open();
      for (const ns of ['render', 'graph', 'validate', 'parse']) cache.set(ns, 'k', { x: 1 });
      cache.flush();
      for (const ns of ['render', 'graph', 'validate', 'parse']) expect(open().get(ns, 'k')).toEqual({ x: 1 });
    } finally {
      resetCacheWarnings();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('trims entries unused for longer than the age bound, then the least recently used down to 80% of the size bound', () => {
    const cache = open({ maxBytes: 10_000, maxAgeMs: 10 * 86_400_000 });
    const now = Date.now();
    const payload = 'x'.repeat(1000);
    for (let i = 0; i < 20; i++) {
      cache.set('render', `k${i}`, payload);
      const t = new Date(now - (20 - i) * 3_600_000); // k0 oldest, k19 newest
      utimesSync(cache.pathOf('render', `k${i}`), t, t);
    }
    const ancient = new Date(now - 11 * 86_400_000);
    utimesSync(cache.pathOf('render', 'k19'), ancient, ancient); // unused for 11 days: gone whatever its size
    writeFileSync(`${cache.pathOf('render', 'k0')}.123.abcd.tmp`, 'half');
    utimesSync(`${cache.pathOf('render', 'k0')}.123.abcd.tmp`, ancient, ancient); // a writer that died
    const { bytes } = cache.trim(now);
    expect(bytes).toBeLessThanOrEqual(8_000);
    const kept = Array.from({ length: 20 }, (_, i) => `k${i}`).filter((k) => cache.get('render', k) !== undefined);
    expect(kept.length).toBeGreaterThan(0);
    // the newest survive, in order: whatever is kept is a suffix of k0…k18
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `k${18 - kept.length + 1 + i}`));
    expect(entries(join(dir, 'content')).some((p) => p.endsWith('.tmp'))).toBe(false);
  });

  it("a trim leaves no empty directory behind (an old build's bucket directory, a namespace no longer used), but keeps one a writer has just made", () => {
    const old = open({ maxAgeMs: 86_400_000 }, 'format\0old build');
    old.set('render', 'k', 'x');
    old.set('parse', 'p', { i: 1 });
    old.flush();
    const ancient = new Date(Date.now() - 3 * 86_400_000);
    for (const f of entries(join(dir, 'content'))) utimesSync(f, ancient, ancient);
    const dirsOf = () =>
      readdirSync(join(dir, 'content'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join(e.parentPath, e.name));
    for (const d of dirsOf()) utimesSync(d, ancient, ancient);
    mkdirSync(join(dir, 'content', 'fresh-namespace'));
    old.trim(Date.now());
    expect(entries(join(dir, 'content'))).toEqual([]);
    expect(dirsOf()).toEqual([join(dir, 'content', 'fresh-namespace')]);
  });

  it("another plumb build's buckets are never read: each salt (format and code stamp) has its own, so an upgrade does not make every lookup read the old build's entries", () => {
    const old = open({}, 'format\0old build');
    for (let i = 0; i < 2_000; i++) old.set('parse', `old${i}`, { text: 'x'.repeat(1500), i });
    old.flush();
    const oldBytes = entries(join(dir, 'content', 'parse')).reduce((sum, f) => sum + statSync(f).size, 0);
    const now = open({}, 'format\0new build');
    now.set('parse', 'k', { i: 1 });
    now.flush();
    const all = entries(join(dir, 'content', 'parse'));
    const mine = all.filter((f) => statSync(f).size < 1_000);
    expect(mine.length).toBe(1); // one small bucket: the new build's entry alone, not merged into an old one
    expect(all.reduce((sum, f) => sum + statSync(f).size, 0)).toBeGreaterThan(oldBytes); // the old build's are still there until trimmed
    expect(open({}, 'format\0new build').get('parse', 'k')).toEqual({ i: 1 });
    expect(open({}, 'format\0new build').get('parse', 'old1')).toBeUndefined();
    expect(open({}, 'format\0old build').get('parse', 'old1')).toEqual({ text: 'x'.repeat(1500), i: 1 });
  });

  it('batched namespaces (parsed files, per-file diagnostics) are written in bucket files when flushed, and a damaged bucket is a miss', () => {
    const cache = open();
    for (let i = 0; i < 50; i++) cache.set('parse', `k${i}`, { i });
    expect(cache.get('parse', 'k7')).toEqual({ i: 7 }); // this process sees its own entries at once
    expect(open().get('parse', 'k7')).toBeUndefined(); // another run only after the flush
    cache.flush();
    const files = entries(join(dir, 'content', 'parse'));
    expect(files.length).toBeLessThanOrEqual(50);
    expect(files.every((f) => f.includes('/buckets/'))).toBe(true);
    const other = open();
    expect(Array.from({ length: 50 }, (_, i) => other.get('parse', `k${i}`))).toEqual(Array.from({ length: 50 }, (_, i) => ({ i })));
    for (const f of files) truncateSync(f, statSync(f).size - 7);
    const damaged = open();
    expect(damaged.get('parse', 'k7')).toBeUndefined();
    expect(damaged.stats.corrupt).toBe(1);
    damaged.set('parse', 'k7', { i: 7 });
    damaged.flush();
    expect(open().get('parse', 'k7')).toEqual({ i: 7 });
  });

  it('a large bucket is read by its index and the entries asked for, each checked against its digest: a damaged entry is a miss, rebuilt, its neighbours still served', () => {
    // 300 entries of ~16 KB in 256 buckets: many buckets hold two or more and are over 32 KB (read index first)
    const value = (i: number) => ({ i, pad: `${'x'.repeat(16_000)}${i}` });
    const cache = open();
    for (let i = 0; i < 300; i++) cache.set('parse', `k${i}`, value(i));
    cache.set('parse', 'v8', { n: Number.NaN, m: new Map([['k', 1]]) }); // not JSON: v8-serialised
    cache.flush();
    const keysIn = (file: string) => [...readFileSync(file, 'latin1').matchAll(/\\u0000k(\d+)"/g)].map((m) => Number(m[1]));
    const big = entries(join(dir, 'content', 'parse')).filter((f) => statSync(f).size > 32 * 1024 && keysIn(f).length >= 2);
    expect(big.length).toBeGreaterThan(10);
    // first the index and one entry, then a second entry of the same bucket (the rest read once), then the others
    const reader = open();
    for (const f of big) for (const i of keysIn(f)) expect(reader.get('parse', `k${i}`)).toEqual(value(i));
    expect(Array.from({ length: 300 }, (_, i) => reader.get('parse', `k${i}`))).toEqual(Array.from({ length: 300 }, (_, i) => value(i)));
    expect(reader.get('parse', 'v8')).toEqual({ n: Number.NaN, m: new Map([['k', 1]]) });
    expect(reader.stats).toMatchObject({ corrupt: 0, misses: 0 });

    // one byte of one entry's payload flipped: that entry only is a miss, in a fresh process, asked first or second
    const [file, other] = big;
    const [hurt, kept] = keysIn(file);
    const bytes = readFileSync(file);
    const at = bytes.indexOf(`\\u0000k${hurt}"`, 0, 'latin1') + 40;
    bytes[at] ^= 0x01;
    writeFileSync(file, bytes);
    for (const order of [
      [hurt, kept],
      [kept, hurt],
    ]) {
      const fresh = open();
      for (const i of order) expect(fresh.get('parse', `k${i}`)).toEqual(i === hurt ? undefined : value(i));
      expect(fresh.stats).toMatchObject({ corrupt: 1, hits: 1 });
    }
    // rebuilt: set again and flushed, the damaged copy is not carried over
    const rebuild = open();
    expect(rebuild.get('parse', `k${hurt}`)).toBeUndefined();
    rebuild.set('parse', `k${hurt}`, value(hurt));
    rebuild.flush();
    const after = open();
    for (const i of keysIn(file)) expect(after.get('parse', `k${i}`)).toEqual(value(i));
    expect(after.stats.corrupt).toBe(0);

    // a byte of another bucket's index flipped (its authenticated part): the whole bucket is a miss and is removed
    const index = readFileSync(other);
    index[8 + 32 + 4 + 40] ^= 0x01; // the first record's written-at
    writeFileSync(other, index);
    const third = open();
    for (const i of keysIn(other)) expect(third.get('parse', `k${i}`)).toBeUndefined();
    expect(third.stats.corrupt).toBe(1);
    expect(() => statSync(other)).toThrow();
  });

  it('a bucket holds JSON entries (written from their text) beside v8-serialised ones, non-ASCII text and replaced entries, across flushes and processes', () => {
    // JSON cannot hold these exactly, so they are v8-serialised; the rest are JSON texts, one- and two-byte, astral, a lone-surrogate escape
    const values: Record<string, unknown> = {
      json: { a: [1, 'b', null], n: 2.5 },
      ascii: 'x'.repeat(5000),
      latin1: 'café ÿ',
      twoByte: 'Grüße — 日本語 ✓',
      astral: '🙂 𝄞',
      lone: 'a\ud800b',
      nan: { n: Number.NaN },
      negZero: -0,
      undef: { u: undefined },
      big: 12345678901234567890n,
      map: new Map([['k', 1]]),
    };
    const cache = open();
    for (const [k, v] of Object.entries(values)) cache.set('parse', k, v);
    cache.flush();
    cache.set('parse', 'json', { replaced: true }); // merged into the bucket written by the first flush
    cache.set('parse', 'later', 'é');
    cache.flush();
    const reader = open();
    for (const [k, v] of Object.entries(values)) expect(reader.get('parse', k)).toEqual(k === 'json' ? { replaced: true } : v);
    expect(Object.is(reader.get('parse', 'negZero'), -0)).toBe(true);
    expect(reader.get('parse', 'later')).toBe('é');
    expect(reader.stats).toMatchObject({ hits: Object.keys(values).length + 2, corrupt: 0 });
  });

  it('a bucket read is a use, as an entry read is: touched (hourly at most), so the trim does not remove a bucket every run reads but none rewrites', () => {
    const cache = open();
    for (let i = 0; i < 20; i++) cache.set('parse', `k${i}`, { i });
    cache.flush();
    const files = entries(join(dir, 'content', 'parse'));
    const longAgo = new Date(Date.now() - 20 * 86_400_000);
    for (const f of files) utimesSync(f, longAgo, longAgo);
    const reader = open();
    for (let i = 0; i < 20; i++) expect(reader.get('parse', `k${i}`)).toEqual({ i });
    for (const f of files) expect(Date.now() - statSync(f).mtimeMs).toBeLessThan(60_000);
    // the trim's age bound (here 10 days) keeps what was read, not what was last written 20 days ago
    open({ maxAgeMs: 10 * 86_400_000 }).trim(Date.now());
    expect(Array.from({ length: 20 }, (_, i) => open().get('parse', `k${i}`))).toEqual(Array.from({ length: 20 }, (_, i) => ({ i })));
  });

  it('a batched entry comes back exactly, whether JSON can hold it or not (-0, NaN, Infinity, undefined properties and items, shared objects, a Map, __proto__ as a key)', () => {
    const shared = { x: 1 };
    const values: Record<string, unknown> = {
      plain: { a: 'é\u0000\ud800', b: [1, 2.5, true, null, { c: '' }], d: {} },
      negativeZero: { n: -0 },
      notFinite: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      undefinedProperty: { a: undefined, b: 1 },
      undefinedItem: [1, undefined, 3],
      shared: { first: shared, second: shared },
      map: { m: new Map([['k', 'v']]) },
      proto: JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'),
    };
    const cache = open();
    for (const [k, v] of Object.entries(values)) cache.set('parse', k, v);
    cache.flush();
    const other = open();
    for (const [k, v] of Object.entries(values)) expect(other.get('parse', k), k).toStrictEqual(v);
    expect(Object.is((other.get('parse', 'negativeZero') as { n: number }).n, -0)).toBe(true);
    const again = other.get<{ first: object; second: object }>('parse', 'shared');
    expect(again?.first).toBe(again?.second);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(other.get('parse', 'proto') as object)).toEqual(['__proto__', 'a']);
  });

  it('concurrent processes writing and reading the same keys see whole entries or none', async () => {
    const script = join(dir, 'hammer.ts');
    writeFileSync(
      script,
      `import { ContentCache } from ${JSON.stringify(new URL('../../../engine/cache/content-cache.js', import.meta.url).pathname)};
       import { cacheSettings } from ${JSON.stringify(new URL('../../../engine/cache/cache-settings.js', import.meta.url).pathname)};
       const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: ${JSON.stringify(dir)} }), 'salt');
       const me = Number(process.argv[2]);
       let bad = 0;
       let corrupt = 0;
       for (let round = 0; round < 300; round++) {
         const key = 'k' + (round % 7);
         cache.set('render', key, { writer: me, payload: key.repeat(5000) });
         const got = cache.get('render', 'k' + ((round + 3) % 7));
         if (got !== undefined && got.payload !== ('k' + ((round + 3) % 7)).repeat(5000)) bad++;
         // batched: flushed into a shared bucket file, read back by a fresh instance (another run)
         cache.set('parse', key, { writer: me, payload: key.repeat(5000) });
         cache.flush();
         const fresh = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: ${JSON.stringify(dir)} }), 'salt');
         const other = fresh.get('parse', 'k' + ((round + 3) % 7));
         if (other !== undefined && other.payload !== ('k' + ((round + 3) % 7)).repeat(5000)) bad++;
         corrupt += fresh.stats.corrupt;
       }
       process.stdout.write(JSON.stringify({ bad, corrupt: cache.stats.corrupt + corrupt }));`,
    );
    const run = (me: number) =>
      new Promise<{ bad: number; corrupt: number }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, String(me)], { cwd: process.cwd() });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`hammer ${me} exited ${code}`))));
      });
    const results = await Promise.all([1, 2, 3].map(run));
    expect(results).toEqual([1, 2, 3].map(() => ({ bad: 0, corrupt: 0 })));
    expect(entries(join(dir, 'content')).filter((p) => p.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});

const CI = (name: string, extra = '') => `apiVersion: plumb.io/v1
kind: Application
metadata:
  name: ${name}
  namespace: shop
spec:
  version: "1.0"${extra}
`;

describe('the loader through the content cache', () => {
  it('a second load reads parsed files from the cache, work tree and revision alike, and equals an uncached load', async () => {
    const repo = makeGitRepo({
      'plumb.yaml': 'inventory: [inventory/**/*.yaml]\n',
      'inventory/a.yaml': `${CI('a')}---\n${CI('b')}`,
      'inventory/bad.yaml': 'apiVersion: plumb.io/v1\nkind: Application\nmetadata: [oops\n',
      'inventory/dup.yaml': CI('a'),
    });
    try {
      const strip = (r: Awaited<ReturnType<typeof loadRepository>>) => ({ cis: r.cis, files: r.files, diagnostics: validateRepository(r).diagnostics });
      for (const rev of [undefined, 'HEAD']) {
        const cache = open();
        const uncached = strip(await loadRepository({ repo, rev, contentCache: false }));
        const cold = strip(await loadRepository({ repo, rev, contentCache: cache }));
        // bad.yaml does not parse: never stored (what a broken file holds cannot be known), parsed again each time;
        // a revision's texts are stored too (the work tree's are read again to place a diagnostic), and the duplicate's position reads one back;
        // the work tree's stat manifest is one more entry, read back by the warm load
        expect(cache.stats).toMatchObject({ hits: rev ? 2 : 0, writes: rev ? 4 : 3 });
        const warm = strip(await loadRepository({ repo, rev, contentCache: cache }));
        expect(cache.stats.hits).toBe(rev ? 2 + 2 + 2 : 2 + 1);
        expect(cold).toEqual(uncached);
        expect(warm).toEqual(uncached);
        expect(uncached.diagnostics.map((d) => [d.code, d.file, d.line])).toContainEqual(['ci.duplicate', 'inventory/dup.yaml', 4]);
        rmSync(join(dir, 'content'), { recursive: true, force: true });
      }
      // a file renamed keeps its blob: served from the cache under its new path
      const cache = open();
      await loadRepository({ repo, rev: 'HEAD', contentCache: cache });
      commit(repo, { 'inventory/a.yaml': null, 'inventory/moved/a.yaml': `${CI('a')}---\n${CI('b')}` }, 'move');
      const moved = await loadRepository({ repo, rev: 'HEAD', contentCache: cache });
      expect(moved.cis.filter((c) => c.name === 'b').map((c) => c.origin.file)).toEqual(['inventory/moved/a.yaml']);
      expect(moved).toMatchObject({ cis: (await loadRepository({ repo, rev: 'HEAD', contentCache: false })).cis });
    } finally {
      removeGitRepo(repo);
    }
  });

  it('a hit keeps no file text: a diagnostic is placed at file:line:column by reading the text again (work tree, cache, git), and an edited file falls back to the document start', async () => {
    const bad = `${CI('a')}---\n${CI('b', '\n  replicas: lots')}`;
    const repo = makeGitRepo({ 'plumb.yaml': 'inventory: [inventory/**/*.yaml]\n', 'inventory/a.yaml': bad, 'inventory/dup.yaml': CI('a') });
    try {
      const placed = async (rev: string | undefined, contentCache: ContentCache | false) => {
        const repoLoaded = await loadRepository({ repo, rev, contentCache });
        return {
          diagnostics: validateRepository(repoLoaded, { contentCache: false }).diagnostics.map((d) => [d.code, d.file, d.line, d.column]),
          at: repoLoaded.locate(repoLoaded.cis[1].origin, '/spec/version'),
        };
      };
      for (const rev of [undefined, 'HEAD']) {
        const uncached = await placed(rev, false);
        expect(uncached.diagnostics).toContainEqual(['ci.duplicate', 'inventory/dup.yaml', 4, 9]);
        expect(uncached.at).toEqual({ line: 15, column: 12 });
        await placed(rev, open());
        expect(await placed(rev, open())).toEqual(uncached);
        // a revision's texts are in the cache; without them plumb asks git for the blob
        rmSync(join(dir, 'content', 'text'), { recursive: true, force: true });
        expect(await placed(rev, open())).toEqual(uncached);
        rmSync(join(dir, 'content'), { recursive: true, force: true });
      }
      // the work tree edited after the load: its text no longer holds the blob loaded, so positions are the document's start, not a line of other content
      const loaded = await loadRepository({ repo, contentCache: open() });
      writeFileSync(join(repo, 'inventory/a.yaml'), `# moved down\n\n\n${bad}`);
      expect(loaded.locate(loaded.cis[1].origin, '/spec/version')).toEqual({ line: loaded.cis[1].origin.line, column: loaded.cis[1].origin.column });
    } finally {
      removeGitRepo(repo);
    }
  });

  it('a damaged entry is rebuilt: the load equals an uncached one and the entry is good again', async () => {
    const repo = makeGitRepo({ 'plumb.yaml': 'inventory: [inventory/**/*.yaml]\n', 'inventory/a.yaml': CI('a') });
    try {
      const cache = open();
      await loadRepository({ repo, contentCache: cache });
      for (const file of entries(join(dir, 'content', 'parse'))) truncateSync(file, statSync(file).size >> 1);
      const damaged = open();
      const again = await loadRepository({ repo, contentCache: damaged });
      expect(damaged.stats.corrupt).toBe(1);
      expect(again.cis).toEqual((await loadRepository({ repo, contentCache: false })).cis);
      const next = open();
      await loadRepository({ repo, contentCache: next });
      expect(next.stats).toMatchObject({ corrupt: 0, hits: 2 }); // the parse and the stat manifest
    } finally {
      removeGitRepo(repo);
    }
  });
});
