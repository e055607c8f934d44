import { lstatSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Stray temporary files of writers that died are removed once they are this old. */
const STALE_TMP_MS = 3_600_000;

/**
 * Trims a content cache directory: removes entries not used for `maxAgeMs`,
 * then the least recently used (oldest modification time: ContentCache.get
 * touches what it serves) until the rest fits in 80% of `maxBytes`, so the
 * next trims are not due at once. Another process may be reading an entry
 * that is removed: on POSIX it keeps its open file; a later open is a miss.
 * A directory left empty (an old build's bucket directory, a namespace no
 * longer used) is removed too, when it had not changed for an hour before the
 * trim began — a writer that has just made one is left alone — and never the
 * cache's own directory.
 *
 * @returns how many entries were removed and the bytes left
 */
export function trimCache(dir: string, opts: { maxBytes: number; maxAgeMs: number; now: number }): { removed: number; bytes: number } {
  const entries: { path: string; size: number; mtime: number }[] = [];
  /** Directories below `dir`, deepest last, with their modification time before the trim touched them. */
  const dirs: { path: string; mtime: number }[] = [];
  let removed = 0;
  // a cache directory that is a symlink points at something plumb did not make: never delete in it
  try {
    if (lstatSync(dir).isSymbolicLink()) return { removed: 0, bytes: 0 };
  } catch {
    return { removed: 0, bytes: 0 };
  }
  const walk = (d: string) => {
    let names: import('node:fs').Dirent[];
    try {
      if (d !== dir) dirs.push({ path: d, mtime: statSync(d).mtimeMs });
      names = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of names) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile() && !e.name.startsWith('.')) {
        try {
          const st = statSync(path);
          if (e.name.endsWith('.tmp')) {
            if (opts.now - st.mtimeMs > STALE_TMP_MS) remove(path);
          } else if (opts.now - st.mtimeMs > opts.maxAgeMs) remove(path);
          else entries.push({ path, size: st.size, mtime: st.mtimeMs });
        } catch {
          // removed by another process meanwhile
        }
      }
    }
  };
  const remove = (path: string) => {
    rmSync(path, { force: true });
    removed++;
  };
  walk(dir);
  let bytes = entries.reduce((sum, e) => sum + e.size, 0);
  if (bytes > opts.maxBytes) {
    entries.sort((a, b) => a.mtime - b.mtime);
    for (const e of entries) {
      if (bytes <= opts.maxBytes * 0.8) break;
      remove(e.path);
      bytes -= e.size;
    }
  }
  for (const d of dirs.reverse()) {
    if (opts.now - d.mtime <= STALE_TMP_MS) continue;
    try {
      rmdirSync(d.path); // only if empty: a directory someone wrote into meanwhile stays
    } catch {
      // not empty, or gone
    }
  }
  return { removed, bytes };
}
