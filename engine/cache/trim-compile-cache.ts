import { lstatSync, readdirSync, rmdirSync, rmSync, statSync, type Stats } from 'node:fs';
import module from 'node:module';
import { join, resolve } from 'node:path';

/**
 * The subdirectory V8's compile cache writes to in this process (Node ≥ 22.1 keys it by Node version, architecture
 * and V8 flags: `compile/v22.23.5-x64-9ac5647c-0`), or undefined when the cache is off or on Node 20.
 */
export function currentCompileCacheDir(): string | undefined {
  const dir = (module as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir?.();
  return dir ? resolve(dir) : undefined;
}

interface Entry {
  readonly path: string;
  readonly size: number;
  /** Last written or read (ms): Node reads an entry on every run without writing it, so its access time counts. */
  readonly used: number;
}

/**
 * Trims plumb's compile-cache directory (`$PLUMB_CACHE_DIR/compile`, cli/main.ts), which V8 fills and never trims:
 * a subdirectory per Node version (and build, and V8 flags), and in it an entry per compiled file, an old plumb
 * build's chunks among them (bundle chunks have content-hashed names, so a new build's never replace them).
 * - another Node's subdirectory unused for `maxAgeMs` goes whole (a Node version no longer run);
 * - an entry unused for `maxAgeMs` goes (an old build's chunk: never read again) — used means written or read:
 *   Node reads without writing, so the access time counts (updated daily under Linux's default `relatime`; where
 *   access times are not kept, a used entry is removed after `maxAgeMs` and compiled again once);
 * - beyond `maxBytes`, other Nodes' subdirectories go first, least recently used first, then this Node's least
 *   recently used entries, down to 80% of it.
 * A subdirectory left empty is removed, never `dir` itself; a `dir` that is a symlink is not plumb's and is left
 * alone. An entry in use by another process is safe to remove: Node compiles afresh on a missing entry.
 *
 * @param current the subdirectory this process writes to ({@link currentCompileCacheDir}), kept but for its entries
 * @returns how many subdirectories and entries were removed, and the bytes left
 */
export function trimCompileCache(
  dir: string,
  opts: { readonly current?: string; readonly maxBytes: number; readonly maxAgeMs: number; readonly now: number },
): { removed: number; bytes: number } {
  try {
    if (lstatSync(dir).isSymbolicLink()) return { removed: 0, bytes: 0 };
  } catch {
    return { removed: 0, bytes: 0 };
  }
  const currentFile = fileIdentity(opts.current);
  let current: string | undefined;
  let removed = 0;
  const subdirs: { path: string; entries: Entry[]; used: number }[] = [];
  for (const name of safeReaddir(dir)) {
    const path = join(dir, name);
    let st: Stats;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (!st.isDirectory()) continue;
    if (currentFile !== undefined && st.dev === currentFile.dev && st.ino === currentFile.ino) current = path;
    const entries = filesUnder(path);
    const used = Math.max(st.mtimeMs, ...entries.map((e) => e.used));
    if (path !== current && opts.now - used > opts.maxAgeMs) {
      rmSync(path, { recursive: true, force: true });
      removed++;
      continue;
    }
    const kept = entries.filter((e) => {
      if (opts.now - e.used <= opts.maxAgeMs) return true;
      rmSync(e.path, { force: true });
      removed++;
      return false;
    });
    subdirs.push({ path, entries: kept, used });
  }
  let bytes = subdirs.reduce((sum, d) => sum + d.entries.reduce((s, e) => s + e.size, 0), 0);
  if (bytes > opts.maxBytes) {
    const target = opts.maxBytes * 0.8;
    for (const d of subdirs.filter((s) => s.path !== current).sort((a, b) => a.used - b.used)) {
      if (bytes <= target) break;
      rmSync(d.path, { recursive: true, force: true });
      removed++;
      bytes -= d.entries.reduce((s, e) => s + e.size, 0);
      d.entries = [];
    }
    for (const e of subdirs.flatMap((d) => d.entries).sort((a, b) => a.used - b.used)) {
      if (bytes <= target) break;
      rmSync(e.path, { force: true });
      removed++;
      bytes -= e.size;
    }
  }
  for (const d of subdirs) {
    if (d.path === current) continue;
    try {
      rmdirSync(d.path); // only if empty
    } catch {
      // not empty, or gone
    }
  }
  return { removed, bytes };
}

/**
 * The device and inode of the directory `path` names, following links, or undefined. The current subdirectory is
 * recognised by them, not by its spelling: Node reports it as `enableCompileCache` was given it, and a cache root
 * that is relative (`PLUMB_CACHE_DIR=.cache`), reached through a symlink (`~/.cache` → `/data/cache`) or a bind
 * mount names the same directory by another path — compared as strings, this Node's subdirectory was taken for
 * another's and trimmed by age and size (V8 then compiled every module again).
 */
function fileIdentity(path: string | undefined): { dev: number; ino: number } | undefined {
  if (!path) return undefined;
  try {
    const st = statSync(path);
    return st.isDirectory() ? { dev: st.dev, ino: st.ino } : undefined;
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The files under `dir`, at any depth (Node writes them flat; a deeper one is counted alike). A symlink is not
 * followed nor listed: Node writes none, and what one points at (a directory of the user's) is not the cache's to
 * remove — an age or size trim through it deleted files outside the cache.
 */
function filesUnder(dir: string): Entry[] {
  const out: Entry[] = [];
  for (const name of safeReaddir(dir)) {
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (st.isDirectory()) out.push(...filesUnder(path));
      else if (st.isFile()) out.push({ path, size: st.size, used: Math.max(st.mtimeMs, st.atimeMs) });
    } catch {
      // removed meanwhile
    }
  }
  return out;
}
