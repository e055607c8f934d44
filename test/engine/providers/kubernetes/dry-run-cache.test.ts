import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../../engine/cache/content-cache.js';
import { DryRunCache, forgetDryRunMemory } from '../../../../engine/providers/kubernetes/dry-run-cache.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'plumb-drc-unit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  forgetDryRunMemory();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const store = (root: string, key?: Buffer) => new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: root }), undefined, key);
const entries = (root: string) =>
  readdirSync(join(root, 'content'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name));

describe('DryRunCache', () => {
  it('answers only the exact key it was kept for, across instances (runs), from 0600 files', async () => {
    const root = temp();
    const a = new DryRunCache(store(root));
    const k1 = (await a.keyOf(['v1.36.3', 'uid/41', '{"kind":"ConfigMap"}']))!;
    const k2 = (await a.keyOf(['v1.36.3', 'uid/42', '{"kind":"ConfigMap"}']))!;
    expect(k1).toMatch(/^[0-9a-f]{64}$/);
    expect(k2).not.toBe(k1);
    await a.put(k1, { projected: 'live', diagnostics: [] });
    await a.flush();
    forgetDryRunMemory();
    const b = new DryRunCache(store(root));
    expect(await b.keyOf(['v1.36.3', 'uid/41', '{"kind":"ConfigMap"}'])).toBe(k1); // the same HMAC key
    expect(await b.get(k1)).toEqual({ projected: 'live', diagnostics: [] });
    expect(await b.get(k2)).toBeUndefined();
    // one entry for the whole book, however many answers it holds
    expect(entries(root)).toHaveLength(1);
    for (const f of entries(root)) expect(statSync(f).mode & 0o777).toBe(0o600);
    // no key beside the entries: whoever shares the cache directory cannot read it
    expect(readdirSync(join(root, 'content')).filter((f) => f.includes('hmac'))).toEqual([]);
  });

  it('parts are joined unambiguously: ["ab","c"] and ["a","bc"] are different keys; another cache key is another HMAC key, another directory is not', async () => {
    const c = new DryRunCache(store(temp()));
    expect(await c.keyOf(['ab', 'c'])).not.toBe(await c.keyOf(['a', 'bc']));
    expect(await new DryRunCache(store(temp())).keyOf(['ab', 'c'])).toBe(await c.keyOf(['ab', 'c']));
    expect(await new DryRunCache(store(temp()), randomBytes(32)).keyOf(['ab', 'c'])).not.toBe(await c.keyOf(['ab', 'c']));
  });

  it('an answer planted in a shared cache directory by another key is a miss; the key file earlier plumbs kept in the directory is removed', async () => {
    const root = temp();
    mkdirSync(join(root, 'content'), { recursive: true });
    writeFileSync(join(root, 'content', '.kubernetes-dry-run.hmac'), randomBytes(32));
    const mine = new DryRunCache(store(root));
    const key = (await mine.keyOf(['v1.36.3', 'uid/41', '{"kind":"ConfigMap"}']))!;
    expect(existsSync(join(root, 'content', '.kubernetes-dry-run.hmac'))).toBe(false);
    // the planter knows the answer's key (say it was shown in a log) and writes a well-formed entry, under its own cache key
    const book = (await mine.keyOf(['book']))!;
    store(root, randomBytes(32)).set('kubernetes-dry-run-2', book, [[key, { projected: 'live', diagnostics: [] }]]);
    expect(entries(root)).toHaveLength(1);
    forgetDryRunMemory();
    expect(await new DryRunCache(store(root)).get(key)).toBeUndefined();
    await mine.put(key, { projected: { kind: 'ConfigMap', data: { a: '2' } }, diagnostics: [] });
    await mine.flush();
    forgetDryRunMemory();
    expect(await new DryRunCache(store(root)).get(key)).toEqual({ projected: { kind: 'ConfigMap', data: { a: '2' } }, diagnostics: [] });
  });

  it('a damaged or malformed entry is a miss, and the next answer replaces it', async () => {
    const root = temp();
    const c = new DryRunCache(store(root));
    const key = (await c.keyOf(['k']))!;
    await c.put(key, { projected: { kind: 'ConfigMap' }, diagnostics: [] });
    await c.flush();
    const [file] = entries(root);
    writeFileSync(file, 'plumbC1\nnot an entry');
    forgetDryRunMemory();
    expect(await new DryRunCache(store(root)).get(key)).toBeUndefined();
    // well-formed for the content cache, but not a book, or a book whose entry is not an answer
    const book = (await c.keyOf(['book']))!;
    store(root).set('kubernetes-dry-run-2', book, { [key]: { projected: 'live', diagnostics: [] } });
    expect(await new DryRunCache(store(root)).get(key)).toBeUndefined();
    store(root).set('kubernetes-dry-run-2', book, [[key, { diagnostics: [] }]]);
    expect(await new DryRunCache(store(root)).get(key)).toBeUndefined();
    const d = new DryRunCache(store(root));
    await d.put(key, { projected: { kind: 'ConfigMap', data: { a: '1' } }, diagnostics: [] });
    await d.flush();
    forgetDryRunMemory();
    expect(await new DryRunCache(store(root)).get(key)).toEqual({ projected: { kind: 'ConfigMap', data: { a: '1' } }, diagnostics: [] });
  });

  it('concurrent runs agree on one HMAC key', async () => {
    const root = temp();
    const keys = await Promise.all(Array.from({ length: 8 }, () => new DryRunCache(store(root)).keyOf(['same'])));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an unusable directory means no caching, never a failure', async () => {
    const root = temp();
    writeFileSync(join(root, 'content'), 'a file where the directory should be');
    const c = new DryRunCache(store(root));
    const key = (await c.keyOf(['k']))!;
    await c.put(key, { projected: 'live', diagnostics: [] });
    await c.flush();
    forgetDryRunMemory();
    expect(await new DryRunCache(store(root)).get(key)).toBeUndefined();
  });

  it('keeps one book per scope (cluster and identity), written once per run', async () => {
    const root = temp();
    const one = new DryRunCache(store(root), undefined, ['https://a.example:6443', 'uid-a']);
    const other = new DryRunCache(store(root), undefined, ['https://b.example:6443', 'uid-b']);
    const keys = await Promise.all(Array.from({ length: 300 }, (_, i) => one.keyOf([`object-${i}`])));
    for (const k of keys) await one.put(k!, { projected: 'live', diagnostics: [] });
    expect(existsSync(join(root, 'content'))).toBe(false); // nothing written before the flush
    await one.flush();
    await one.flush(); // nothing new: nothing written again
    expect(entries(root)).toHaveLength(1);
    forgetDryRunMemory();
    expect(await other.get(keys[0]!)).toBeUndefined(); // another cluster's book
    const again = new DryRunCache(store(root), undefined, ['https://a.example:6443', 'uid-a']);
    expect((await Promise.all(keys.map((k) => again.get(k!)))).every((a) => a?.projected === 'live')).toBe(true);
  });
  it('a book larger than the cache reads keeps its newest answers, not none: past PLUMB_CACHE_MAX_MB / 8 the oldest go', async () => {
    const root = temp();
    // 8 MiB cache: it reads files of at most 1 MiB; 2,000 answers of ~1 KiB are twice that
    const small = () => new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: root, PLUMB_CACHE_MAX_MB: '8' }));
    const a = new DryRunCache(small(), undefined, ['https://127.0.0.1:6443/', 'uid/1', 'v1.36.3', 'ctx/admin']);
    const keys: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const key = (await a.keyOf([String(i)]))!;
      keys.push(key);
      await a.put(key, { projected: { kind: 'ConfigMap', metadata: { name: `c${i}` }, data: { blob: 'x'.repeat(1000) } }, diagnostics: [] });
    }
    await a.flush();
    forgetDryRunMemory();
    const b = new DryRunCache(small(), undefined, ['https://127.0.0.1:6443/', 'uid/1', 'v1.36.3', 'ctx/admin']);
    expect(await b.get(keys[1999]!)).toMatchObject({ projected: { metadata: { name: 'c1999' } } });
    expect(await b.get(keys[1500]!)).toBeDefined();
    expect(await b.get(keys[0]!)).toBeUndefined();
    const files = entries(root);
    expect(files).toHaveLength(1);
    expect(statSync(files[0]!).size).toBeLessThanOrEqual(1 << 20);
    // three answers, each too large alone: the book ends empty-handed (the cache's old book stays), it does not loop
    const c = new DryRunCache(small(), undefined, ['another scope']);
    for (let i = 0; i < 3; i++) await c.put((await c.keyOf(['big', String(i)]))!, { projected: { data: 'y'.repeat(1.2 * 2 ** 20) }, diagnostics: [] });
    await c.flush();
    expect(entries(root)).toHaveLength(1);
  });
});
