import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { trimCompileCache } from '../../../engine/cache/trim-compile-cache.js';

// V8's compile cache writes a subdirectory per Node version and an entry per compiled file, and never trims them;
// plumb's bundle chunks have content-hashed names, so every upgrade of plumb or Node left its entries behind.
const DAY = 86_400_000;
const NOW = Date.now();
let root: string;
let compile: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'plumb-compile-trim-'));
  compile = join(root, 'compile');
  mkdirSync(compile);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An entry of `bytes` bytes, last written `writtenDaysAgo` and last read `readDaysAgo` days ago. */
function entry(subdir: string, name: string, bytes: number, writtenDaysAgo: number, readDaysAgo = writtenDaysAgo): string {
  const dir = join(compile, subdir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, Buffer.alloc(bytes));
  utimesSync(path, new Date(NOW - readDaysAgo * DAY), new Date(NOW - writtenDaysAgo * DAY));
  return path;
}
const age = (subdir: string, daysAgo: number) => utimesSync(join(compile, subdir), new Date(NOW - daysAgo * DAY), new Date(NOW - daysAgo * DAY));
const left = () => (readdirSync(compile, { recursive: true }) as string[]).sort();

const CURRENT = 'v22.23.5-x64-9ac5647c-0';
const OLD_NODE = 'v22.1.0-x64-1111aaaa-0';
const OTHER_NODE = 'v24.21.0-x64-2222bbbb-0';

it('another Node version unused for the age bound goes whole; this Node keeps its subdirectory, less the entries no run has read for that long', () => {
  entry(OLD_NODE, '101', 10, 45);
  age(OLD_NODE, 45);
  entry(OTHER_NODE, '201', 10, 40, 2); // written long ago, read two days ago: still in use
  age(OTHER_NODE, 40);
  entry(CURRENT, '301', 10, 45); // an old plumb build's chunk
  entry(CURRENT, '302', 10, 45, 1); // compiled long ago, read yesterday
  entry(CURRENT, '303', 10, 0);
  age(CURRENT, 45);
  const r = trimCompileCache(compile, { current: join(compile, CURRENT), maxBytes: 1 << 20, maxAgeMs: 30 * DAY, now: NOW });
  expect(left()).toEqual([CURRENT, join(CURRENT, '302'), join(CURRENT, '303'), OTHER_NODE, join(OTHER_NODE, '201')].sort());
  expect(r).toEqual({ removed: 2, bytes: 30 });
});

it("beyond the bound, other Nodes' subdirectories go first, least recently used first, then this Node's oldest entries, down to 80%", () => {
  entry(OLD_NODE, '101', 400, 3);
  entry(OTHER_NODE, '201', 400, 1);
  entry(CURRENT, '301', 300, 2);
  entry(CURRENT, '302', 300, 0);
  // 1,400 bytes against 1,000: the old Node's 400 go (1,000 > 800 left), then the other Node's (600)
  expect(trimCompileCache(compile, { current: join(compile, CURRENT), maxBytes: 1000, maxAgeMs: 30 * DAY, now: NOW })).toEqual({ removed: 2, bytes: 600 });
  expect(left()).toEqual([CURRENT, join(CURRENT, '301'), join(CURRENT, '302')].sort());
  // then this Node's least recently used entry
  expect(trimCompileCache(compile, { current: join(compile, CURRENT), maxBytes: 500, maxAgeMs: 30 * DAY, now: NOW })).toEqual({ removed: 1, bytes: 300 });
  expect(left()).toEqual([CURRENT, join(CURRENT, '302')]);
});

it('a compile directory that is a symlink, or missing, is left alone', () => {
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(join(elsewhere, OLD_NODE), { recursive: true });
  writeFileSync(join(elsewhere, OLD_NODE, '1'), 'x');
  utimesSync(join(elsewhere, OLD_NODE, '1'), new Date(NOW - 90 * DAY), new Date(NOW - 90 * DAY));
  const link = join(root, 'link');
  symlinkSync(elsewhere, link);
  expect(trimCompileCache(link, { maxBytes: 0, maxAgeMs: DAY, now: NOW })).toEqual({ removed: 0, bytes: 0 });
  expect(existsSync(join(elsewhere, OLD_NODE, '1'))).toBe(true);
  expect(trimCompileCache(join(root, 'none'), { maxBytes: 0, maxAgeMs: DAY, now: NOW })).toEqual({ removed: 0, bytes: 0 });
});

it("this Node's subdirectory is recognised however the cache path is spelled: through a symlink, relative, or with `..`", () => {
  // Node reports the directory as enableCompileCache was given it; compared as strings, a cache root reached through
  // a link (~/.cache -> /data/cache) or given relative had this Node's entries trimmed by age and size
  const link = join(root, 'link');
  symlinkSync(root, link);
  const spellings = [join(link, 'compile', CURRENT), relative(process.cwd(), join(compile, CURRENT)), join(compile, '..', 'compile', '.', CURRENT)];
  for (const current of spellings) {
    entry(OTHER_NODE, '201', 600, 0, 0);
    entry(CURRENT, '301', 600, 0, 5); // read five days ago
    entry(CURRENT, '302', 10, 0);
    age(CURRENT, 45); // the subdirectory itself written long ago
    // beyond the size bound: the other Node's subdirectory goes first, this one stays whole
    expect(trimCompileCache(compile, { current, maxBytes: 1000, maxAgeMs: 30 * DAY, now: NOW })).toEqual({ removed: 1, bytes: 610 });
    expect(left()).toEqual([CURRENT, join(CURRENT, '301'), join(CURRENT, '302')]);
    // every entry read long ago: the entries go, the subdirectory this Node writes to stays
    utimesSync(join(compile, CURRENT, '301'), new Date(NOW - 40 * DAY), new Date(NOW - 40 * DAY));
    utimesSync(join(compile, CURRENT, '302'), new Date(NOW - 40 * DAY), new Date(NOW - 40 * DAY));
    age(CURRENT, 45);
    expect(trimCompileCache(compile, { current, maxBytes: 1 << 20, maxAgeMs: 30 * DAY, now: NOW })).toEqual({ removed: 2, bytes: 0 });
    expect(left()).toEqual([CURRENT]);
  }
});

it("a symlink inside a subdirectory is never followed: what it points at, old or large, is not the cache's to remove", () => {
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'notes.txt'), Buffer.alloc(4096));
  utimesSync(join(elsewhere, 'notes.txt'), new Date(NOW - 90 * DAY), new Date(NOW - 90 * DAY));
  writeFileSync(join(root, 'single.txt'), Buffer.alloc(4096));
  utimesSync(join(root, 'single.txt'), new Date(NOW - 90 * DAY), new Date(NOW - 90 * DAY));
  entry(CURRENT, '301', 10, 0);
  symlinkSync(elsewhere, join(compile, CURRENT, 'dir-link'));
  symlinkSync(join(root, 'single.txt'), join(compile, CURRENT, 'file-link'));
  // past the age bound and beyond the size bound both: nothing outside the compile directory goes, nor is counted
  expect(trimCompileCache(compile, { current: join(compile, CURRENT), maxBytes: 100, maxAgeMs: 30 * DAY, now: NOW })).toEqual({ removed: 0, bytes: 10 });
  expect(existsSync(join(elsewhere, 'notes.txt'))).toBe(true);
  expect(existsSync(join(root, 'single.txt'))).toBe(true);
});

it("the content cache's trim trims the compile cache beside it, within what of the bound the content left", () => {
  entry(OLD_NODE, '101', 10, 45);
  age(OLD_NODE, 45);
  entry(OTHER_NODE, '201', 2048, 0);
  const cache = new ContentCache({ ...cacheSettings({ PLUMB_CACHE_DIR: root }), maxBytes: 4096, maxAgeMs: 30 * DAY });
  cache.set('render', 'k', 'x'.repeat(3000));
  cache.flush();
  const r = cache.trim(NOW);
  // the old Node's subdirectory is past the age bound; the other Node's 2 KiB do not fit beside ~3 KB of content
  expect(existsSync(join(compile, OLD_NODE))).toBe(false);
  expect(existsSync(join(compile, OTHER_NODE))).toBe(false);
  expect(r.removed).toBe(2);
  expect(cache.get('render', 'k')).toBe('x'.repeat(3000));
});
