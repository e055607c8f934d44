import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, createHmac, hash as oneShotHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  futimesSync,
  openSync,
  writeSync,
  lstatSync,
  mkdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { cacheSettings, type CacheSettings } from './cache-settings.js';
import { derivedCacheKey } from './code-signature.js';
import { codeStamp } from './code-stamp.js';
import { jsonExact } from '../model/json-exact.js';
import { makeDirectorySync } from '../model/make-directory.js';
import { warnCacheOnce } from './cache-warnings.js';
import { trimCache } from './trim-cache.js';
import { currentCompileCacheDir, trimCompileCache } from './trim-compile-cache.js';

/**
 * Bump when the layout or the meaning of an entry changes. Together with the
 * plumb version and the code stamp it salts every key, so entries of another
 * plumb are never read (they age out).
 */
export const CACHE_FORMAT_VERSION = 3;

const MAGIC = Buffer.from('plumbC2\n');
/** HMAC-SHA256 of the entry (key and payload) under the cache key. */
const MAC_BYTES = 32;
const HEADER = MAGIC.length + MAC_BYTES;
/** An entry read within this long of its last use is not touched again (the LRU needs hours, not milliseconds). */
const TOUCH_AFTER_MS = 3_600_000;
/** The cache is trimmed at most this often, by the first process that writes after it. */
const TRIM_EVERY_MS = 3_600_000;

/** What a cache did since it was opened (benchmarks, tests, `--debug`). */
export interface ContentCacheStats {
  hits: number;
  misses: number;
  writes: number;
  /** Entries found damaged (truncated, bit rot, another format, a MAC that does not verify): ignored, rebuilt, overwritten. */
  corrupt: number;
}

/**
 * plumb's persistent cache of derived data, keyed by content: parsed files by
 * Git blob id, rendered units by their key (tool, version, settings and every
 * input's blob id). One file per entry under `<dir>/<namespace>/<xx>/<rest>`,
 * named by a SHA-256 over the format version, the plumb version and code stamp,
 * the namespace and the key.
 *
 * Safe under concurrent runs without locks: an entry is written to a private
 * temporary file and renamed into place (atomic on POSIX), so a reader sees a
 * whole entry or none. Never a correctness risk: each entry, and each bucket
 * file, carries an HMAC-SHA256 under a key kept outside the cache directory
 * (code-signature.ts: `PLUMB_CACHE_KEY`, else this user's key in
 * `$XDG_STATE_HOME/plumb`), and anything that does not check out (truncated,
 * damaged, an error while deserialising, written under another key — planted
 * by whoever can write a shared or restored cache directory) is a miss and is
 * rebuilt. A plain checksum would not do: a writer of the cache can compute
 * it. Without a key the cache is off. I/O errors (read-only or full disk)
 * turn the cache off for the process; they never fail a run.
 *
 * Bounded: entries are touched when used (at most hourly), and the first
 * process that writes after an hour trims the cache by age, then least
 * recently used first down to the size bound (trim-cache.ts).
 *
 * Hand-written rather than `cacache` (npm's cache): a hit here is one
 * synchronous open/read/close of one file, where cacache reads an index bucket
 * and a content file asynchronously and verifies SHA-512; and cacache has no
 * size or age bound, only garbage collection of unreferenced content.
 */
export class ContentCache {
  readonly stats: ContentCacheStats = { hits: 0, misses: 0, writes: 0, corrupt: 0 };
  private readonly salt: string;
  private readonly made = new Set<string>();
  private readonly macKey: Buffer | undefined;
  private writable = true;
  private trimmed = false;

  /**
   * @param settings where the cache lives and its bounds (cacheSettings)
   * @param salt mixed into every entry's name (format version and code stamp by default)
   * @param key the 32-byte key entries and buckets are authenticated with; by default derived from `PLUMB_CACHE_KEY`, else this user's key (code-signature.ts). Without one, every read misses and nothing is written.
   */
  constructor(
    readonly settings: CacheSettings,
    salt = `${CACHE_FORMAT_VERSION}\0${codeStamp()}`,
    key: Buffer | undefined = derivedCacheKey('content-cache entry'),
  ) {
    this.salt = salt;
    this.saltDirectory = createHash('sha256').update(salt).digest('hex').slice(0, 16);
    // a cache directory that is a symlink is not plumb's to fill and trim: trimming would delete
    // whatever the link points at (a planted or misconfigured link), so the cache is off
    this.macKey = key && !isSymlink(settings.dir) ? key : undefined;
    if (!this.macKey) this.writable = false;
  }

  /** The value stored under (namespace, key), or undefined (absent, damaged, another plumb's, not authenticated by this cache's key). */
  get<T>(namespace: string, key: string): T | undefined {
    if (!this.macKey || !wellFormed(key)) {
      this.stats.misses++;
      return undefined;
    }
    if (BATCHED.has(namespace)) return this.getBatched<T>(namespace, key);
    const path = this.pathOf(namespace, key);
    let fd: number;
    try {
      fd = openSync(path, READ_FLAGS);
    } catch {
      this.stats.misses++;
      return undefined;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.size < HEADER || st.size > this.largestFile) return this.damaged(path);
      const bytes = readAt(fd, st.size, 0);
      if (!bytes) return this.damaged(path);
      const opened = openEntry<T>(bytes, this.macInput(namespace, key), this.macKey);
      if (!opened) return this.damaged(path);
      if (Date.now() - st.mtimeMs > TOUCH_AFTER_MS) {
        try {
          const now = new Date();
          futimesSync(fd, now, now);
        } catch {
          // a read-only cache still serves
        }
      }
      this.stats.hits++;
      return opened.value;
    } catch {
      return this.damaged(path);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Stores `value` (plain data: v8.serialize) under (namespace, key); replaces what was there.
   * Returns `'too-large'`, writing nothing, for an entry larger than the cache reads ({@link largestFile}):
   * written, it would be a miss on every read (taken as damaged and removed) and written again each run —
   * a caller that keeps a growing collection in one entry (the dry-run book) drops some of it and tries again.
   * `'off'`: the cache is off or its writes failed; `'written'` otherwise (a batched namespace: at flush).
   */
  set(namespace: string, key: string, value: unknown): 'written' | 'too-large' | 'off' {
    if (!this.writable || !wellFormed(key)) return 'off';
    if (BATCHED.has(namespace)) {
      this.setBatched(namespace, key, value);
      return 'written';
    }
    const path = this.pathOf(namespace, key);
    const dir = path.slice(0, path.lastIndexOf('/'));
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      let bytes: Buffer;
      try {
        bytes = entryBytes(this.macInput(namespace, key), value, this.macKey!);
      } catch (e) {
        // a value v8 cannot serialise (RangeError: a buffer over its limit is one too large for any file)
        if (e instanceof RangeError) return 'too-large';
        throw e;
      }
      if (bytes.length > this.largestFile) return 'too-large';
      if (!this.trimmed) this.trimIfDue();
      this.ownDirectory(dir);
      writeFileSync(tmp, bytes, { mode: 0o600 });
      renameSync(tmp, path);
      this.stats.writes++;
      return 'written';
    } catch (e) {
      // full or read-only disk, a value v8 cannot serialise: run on without the cache's writes
      this.writable = false;
      this.unwritable(e);
      try {
        unlinkSync(tmp);
      } catch {
        // never written
      }
      return 'off';
    }
  }

  /**
   * Removes the entry under (namespace, key), if any: an entry that must not be
   * kept any longer (it holds a value a kind schema marks secret since it was
   * written). A batched entry is replaced by an empty one at the next flush.
   */
  forget(namespace: string, key: string): void {
    if (!this.writable || !wellFormed(key)) return;
    if (BATCHED.has(namespace)) return this.setBatched(namespace, key, undefined);
    try {
      rmSync(this.pathOf(namespace, key), { force: true });
    } catch {
      // a read-only cache: nothing to be done
    }
  }

  /**
   * Trims now (tests, `plumb cache`-like maintenance): by age, then least recently used down to the bound; then the
   * compile cache beside it (trim-compile-cache.ts) within what of the bound the content left.
   */
  trim(now = Date.now()): { removed: number; bytes: number } {
    const content = trimCache(this.settings.dir, { maxBytes: this.settings.maxBytes, maxAgeMs: this.settings.maxAgeMs, now });
    const compile = trimCompileCache(this.settings.compileDir, {
      current: currentCompileCacheDir(),
      maxBytes: Math.max(0, this.settings.maxBytes - content.bytes),
      maxAgeMs: this.settings.maxAgeMs,
      now,
    });
    return { removed: content.removed + compile.removed, bytes: content.bytes + compile.bytes };
  }

  /** What an entry's MAC covers besides its bytes: the salt (format version, plumb's code), namespace and key — an entry copied to another plumb's path does not verify. */
  private macInput(namespace: string, key: string): string {
    return `${this.salt}\0${namespace}\0${key}`;
  }

  /** The file an entry lives in (tests damage it on purpose). */
  pathOf(namespace: string, key: string): string {
    const h = createHash('sha256').update(`${this.salt}\0${namespace}\0${key}`).digest('hex');
    return join(this.settings.dir, namespace, h.slice(0, 2), h.slice(2));
  }

  /**
   * Writes what batched namespaces hold in memory: each touched bucket is read
   * again (another process may have written it meanwhile), merged, pruned
   * (entries older than the age bound, then the oldest beyond its share of the
   * size bound) and renamed into place. Two processes flushing one bucket at
   * once: the last rename wins and the other's new entries are lost — a miss
   * later, never a wrong answer. The loader and validation flush when they end;
   * whatever is left is flushed when the process exits.
   */
  flush(): void {
    // buckets read for this load or validation are let go: what the caller needed it has, and memory stays that of one namespace at a time
    this.buckets.clear();
    if (this.pending.size === 0) return;
    const now = Date.now();
    const share = this.settings.maxBytes / 256;
    let tmp: string | undefined;
    try {
      if (!this.trimmed) this.trimIfDue();
      for (const [bucketPath, entries] of this.pending) {
        const merged = readBucket(bucketPath, this.macKey!, this.largestFile, RAW)?.entries ?? new Map<string, BucketEntry>();
        // an entry found damaged by this process is not carried over (a good one replaces it when it was rebuilt)
        for (const h of this.damagedEntries.get(bucketPath) ?? []) merged.delete(h);
        for (const [h, e] of entries) merged.set(h, e);
        let kept = [...merged].filter(([, e]) => now - e.at <= this.settings.maxAgeMs).sort((a, b) => b[1].at - a[1].at);
        let bytes = 0;
        kept = kept.filter(([, e]) => (bytes += e.size) <= share || e.at === now);
        this.ownDirectory(bucketPath.slice(0, bucketPath.lastIndexOf('/')));
        tmp = `${bucketPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
        writeBucket(tmp, bucketPath, kept, this.macKey!);
        renameSync(tmp, bucketPath);
        tmp = undefined;
        this.stats.writes += entries.size;
      }
    } catch (e) {
      this.writable = false;
      this.unwritable(e);
      // a bucket half written to a full disk would keep its space (and the disk full) until trimmed a day later
      try {
        if (tmp !== undefined) rmSync(tmp, { force: true });
      } catch {
        // the trim removes it later
      }
    }
    this.pending.clear();
    this.pendingBytes = 0;
    this.damagedEntries.clear();
    dirty.delete(this);
  }

  /** The buckets read since the last flush, by path: their authenticated indexes and the payloads read so far. */
  private readonly buckets = new Map<string, BucketView>();
  private readonly pending = new Map<string, Map<string, BucketEntry>>();
  /** Entries of a bucket file whose payload did not match its index's digest (by bucket path): dropped when the bucket is written. */
  private readonly damagedEntries = new Map<string, Set<string>>();
  private pendingBytes = 0;

  /**
   * The directory of this plumb's buckets: one per salt (format version and code stamp). Buckets shared by every
   * plumb build filled with the entries of older ones (a few upgrades made a 100k repository's parse buckets ~1 MB
   * instead of ~180 KB, and every lookup reads its whole bucket: a warm load 1.9 → 3.0 CPU-s, peak RSS 650 →
   * 1,170 MiB); another build's buckets are never read, and leave by the trim's age and size bounds.
   */
  private readonly saltDirectory: string;

  private bucketOf(namespace: string, key: string): { path: string; h: string } {
    const h = createHash('sha256').update(`${this.salt}\0${namespace}\0${key}`).digest('hex');
    return { path: join(this.settings.dir, namespace, 'buckets', this.saltDirectory, h.slice(0, 2)), h };
  }

  private getBatched<T>(namespace: string, key: string): T | undefined {
    const { path, h } = this.bucketOf(namespace, key);
    let entry = this.pending.get(path)?.get(h);
    // an entry found damaged is a miss until a good one is written (not read again from the rest of its bucket)
    if (!entry && !this.damagedEntries.get(path)?.has(h)) {
      let bucket = this.buckets.get(path);
      if (!bucket) {
        // the index and this entry's payload (the whole file when it is small): a review reads one or two entries
        // of each bucket it opens, and a bucket of a large repository holds hundreds of kilobytes
        bucket = readBucket(path, this.macKey!, this.largestFile, h, () => this.stats.corrupt++) ?? { entries: new Map(), whole: true };
        this.buckets.set(path, bucket);
      }
      entry = bucket.entries.get(h);
      if (!bucket.whole && (entry ? entry.payload === undefined : bucket.index !== undefined && indexHolds(bucket.index, h))) {
        // a second entry of a bucket: the rest of it is likely wanted too (a whole load reads every entry), read once
        const again = readBucket(path, this.macKey!, this.largestFile, WHOLE, () => this.stats.corrupt++) ?? { entries: new Map(), whole: true };
        for (const [k, e] of bucket.entries) if (e.payload !== undefined && !again.entries.has(k)) again.entries.set(k, e);
        this.buckets.set(path, (bucket = again));
        entry = bucket.entries.get(h);
      }
    }
    if (!entry) {
      this.stats.misses++;
      return undefined;
    }
    const value = openBatched<T>(entry, this.macInput(namespace, key));
    if (value?.value === undefined && value !== undefined) {
      // forgotten (ContentCache.forget)
      this.stats.misses++;
      return undefined;
    }
    if (value === undefined) {
      this.buckets.get(path)?.entries.delete(h);
      let damaged = this.damagedEntries.get(path);
      if (!damaged) this.damagedEntries.set(path, (damaged = new Set()));
      damaged.add(h);
      this.stats.corrupt++;
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return value.value;
  }

  private setBatched(namespace: string, key: string, value: unknown): void {
    const { path, h } = this.bucketOf(namespace, key);
    let entry: BucketEntry;
    try {
      entry = batchedEntry(Date.now(), this.macInput(namespace, key), value);
    } catch {
      return; // a value v8 cannot serialise is simply not cached
    }
    let pending = this.pending.get(path);
    if (!pending) this.pending.set(path, (pending = new Map()));
    pending.set(h, entry);
    this.pendingBytes += entry.size;
    dirty.add(this);
    if (this.pendingBytes > FLUSH_BYTES) this.flush();
  }

  /** Says once why the cache's writes stopped, when the file system refused them (an errno: ENOENT, ENOTDIR, EROFS, ENOSPC, EACCES…). */
  /**
   * Makes `dir`, a directory below the cache's, one component at a time (mode 0700), and throws `ELOOP` where a
   * component already there is a symbolic link or not a directory: a restored or shared cache directory holding
   * `graph -> /elsewhere` (or `validate/ab -> …`) had plumb make directories and write its entries wherever the link
   * pointed. The cache's own directory being a link turns the cache off (constructor); a link above it is the user's.
   */
  private ownDirectory(dir: string): void {
    if (this.made.has(dir)) return;
    makeDirectorySync(this.settings.dir, 0o700);
    let at = this.settings.dir;
    for (const part of relative(this.settings.dir, dir).split(sep)) {
      if (!part) continue;
      at = join(at, part);
      let info = lstatSync(at, { throwIfNoEntry: false });
      if (!info) {
        try {
          mkdirSync(at, { mode: 0o700 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process made it meanwhile
        }
        info = lstatSync(at);
      }
      if (!info.isDirectory()) throw Object.assign(new Error(`${at} is not a directory plumb made`), { code: 'ELOOP', path: at });
    }
    this.made.add(dir);
  }

  private unwritable(e: unknown): void {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code !== 'string' || !code.startsWith('E')) return;
    const linked = code === 'ELOOP' ? (e as NodeJS.ErrnoException).path : undefined;
    warnCacheOnce({
      code: 'cache.unwritable',
      message: linked
        ? `the content cache cannot be written: ${relative(this.settings.dir, linked)} in it is a symbolic link or a file, not a directory plumb made (entries are never written through one): it is not written for the rest of this run`
        : `the content cache cannot be written (${code}${code === 'ENOSPC' ? ': no space left' : code === 'EROFS' ? ': read-only file system' : ''}): it is not written for the rest of this run`,
      hint: linked
        ? `remove ${linked} (the cache makes its own directories again), or set PLUMB_CACHE_DIR to a directory of your own`
        : 'set PLUMB_CACHE_DIR to a writable directory on a local disk (the cache is kept in its content/), or PLUMB_CACHE=off',
      file: this.settings.dir,
    });
  }

  /**
   * The largest file this cache reads: an eighth of its size bound (128 MiB by
   * default). plumb writes none that large — a bucket holds at most its 1/256
   * share beyond one run's entries — and the bytes are read before their MAC
   * can be checked: a sparse 1.5 GB file dropped into a restored cache made a
   * validate take 1.6 GB of memory and seven times as long.
   */
  private get largestFile(): number {
    return Math.max(this.settings.maxBytes / 8, 1 << 20);
  }

  private damaged(path: string): undefined {
    this.stats.corrupt++;
    this.stats.misses++;
    try {
      rmSync(path, { force: true });
    } catch {
      // the next write replaces it anyway
    }
    return undefined;
  }

  private trimIfDue(): void {
    this.trimmed = true;
    const marker = join(this.settings.dir, '.trimmed');
    makeDirectorySync(this.settings.dir, 0o700);
    let last = 0;
    try {
      last = statSync(marker).mtimeMs;
    } catch {
      writeFileSync(marker, '', { mode: 0o600 });
      return; // a new cache: nothing to trim yet
    }
    if (Date.now() - last < TRIM_EVERY_MS) return;
    const now = new Date();
    utimesSync(marker, now, now); // first come, first trims: the others see a fresh marker
    this.trim(now.getTime());
  }
}

/**
 * Namespaces written in buckets (256 files per namespace, flushed in batches:
 * parsed files, per-file diagnostics, a revision's file texts, diff texts)
 * instead of a file per entry: a plan writes one parse and one validation
 * entry per inventory file, and creating 20,000 files cost a 100k-CI plan 9
 * CPU-s on a loaded disk (measured: ~0.5 ms per file created), more than the
 * parsing it saves.
 */
const BATCHED: ReadonlySet<string> = new Set(['parse', 'validate', 'text', 'diff-text']);
const BUCKET_MAGIC = Buffer.from('plumbB5\n');
/** Pending bytes beyond which a cache flushes without waiting for the caller. */
const FLUSH_BYTES = 64 * 1024 * 1024;

/**
 * An entry of a bucket. Its payload is `{ key, value }`: its JSON text when JSON holds the value exactly
 * ({@link jsonExact}), else v8.serialize's bytes. An entry made in this process holds that text (or those bytes):
 * JSON texts stay strings, in V8's heap, from the entry's making to its bucket file (see {@link writeBucket}). An
 * entry read from a bucket file holds the payload's bytes once they are read (undefined before: the bucket's index
 * told where they are), and the SHA-256 digest its authenticated index gives them, checked before they are used.
 */
interface BucketEntry {
  /** Written at (ms since the epoch). */
  readonly at: number;
  /** {@link JSON_TAG} or {@link V8_TAG}. */
  readonly tag: number;
  /** The payload's size in bytes (UTF-8 for a text). */
  readonly size: number;
  payload?: string | Buffer;
  /** Where the payload starts in its bucket file (an entry read from one). */
  readonly offset?: number;
  /** SHA-256 of the payload's bytes, from its bucket's authenticated index (an entry read from one). */
  readonly digest?: Buffer;
}

/** A bucket as read: its entries by hash (each with its payload, or only its index record), and whether every payload is held. */
interface BucketView {
  readonly entries: Map<string, BucketEntry>;
  readonly whole: boolean;
  /** A bucket read for one entry: its authenticated index, whose other records are not in `entries` ({@link indexHolds}). */
  readonly index?: Buffer;
}

/** Whether a bucket's authenticated index (as {@link readBucket} read it) has a record for the entry hashed `h`. */
function indexHolds(index: Buffer, h: string): boolean {
  const hash = Buffer.from(h, 'hex');
  const count = index.readUInt32LE(0);
  for (let i = 0, at = 4; i < count; i++, at += RECORD_BYTES) if (index.compare(hash, 0, 32, at, at + 32) === 0) return true;
  return false;
}

/**
 * A batched entry: `{ key, value }` as JSON text when JSON holds the value
 * exactly ({@link jsonExact}), else v8.serialize. Its bucket authenticates it
 * (the HMAC over the bucket's index, which holds each payload's SHA-256); the
 * key inside binds the entry to its full key (salt, namespace, key).
 * Hand-written rather than v8 alone: on a 10k-CI repository's parse entries
 * JSON.parse read them in 29 ms against v8.deserialize's 54 (writing costs
 * about the same), and a warm load reads every entry.
 */
function batchedEntry(now: number, fullKey: string, value: unknown): BucketEntry {
  const entry = { key: fullKey, value };
  if (jsonExact(value, new Set())) {
    const json = JSON.stringify(entry);
    return { at: now, tag: JSON_TAG, size: Buffer.byteLength(json), payload: json };
  }
  const bytes = serialize(entry);
  return { at: now, tag: V8_TAG, size: bytes.length, payload: bytes };
}

/**
 * The value of a batched entry (made by this process, or read from an authenticated bucket), or undefined when it
 * is not the entry of `fullKey` or its payload is not what its bucket's index vouches for (checked before anything
 * is parsed).
 */
function openBatched<T>(e: BucketEntry, fullKey: string): { value: T } | undefined {
  try {
    const payload = e.payload;
    if (payload === undefined) return undefined;
    // a text read from a file hashes (as UTF-8) to the bytes it was decoded from only if they were valid UTF-8: the written ones
    if (e.digest && !timingSafeEqual(sha256(payload), e.digest)) return undefined;
    const entry = (typeof payload === 'string' ? JSON.parse(payload) : deserialize(payload)) as { key?: unknown; value?: T } | undefined;
    return entry?.key === fullKey ? { value: entry.value as T } : undefined;
  } catch {
    return undefined;
  }
}

function sha256(payload: string | Buffer): Buffer {
  return oneShotHash('sha256', payload, 'buffer') as unknown as Buffer;
}

/** A bucket's index record: the entry's hash (32 bytes), written at (float64 ms), payload kind (J or V), payload bytes (uint32), the payload's SHA-256 (32 bytes). */
const RECORD_BYTES = 32 + 8 + 1 + 4 + 32;
const JSON_TAG = 0x4a; // 'J'
const V8_TAG = 0x56; // 'V'
/** Where a bucket file's index starts: after BUCKET_MAGIC and the index's HMAC. */
const INDEX_AT = 8 + MAC_BYTES;
/** A bucket file this small is read whole at once; a larger one, its index first. */
const WHOLE_BELOW = 32 * 1024;
/** Read every payload of a bucket ({@link readBucket}), JSON texts decoded and v8 bytes copied out: none keeps the file's bytes. */
const WHOLE = '';
/** Read every payload of a bucket as a view of the file's bytes (to write them again at once: a flush merging a bucket). */
const RAW = '\0';

/**
 * Writes a bucket file at `tmp`: BUCKET_MAGIC, the HMAC of the index ({@link bucketMac}), the index — the number of
 * entries (uint32), then one record per entry ({@link RECORD_BYTES}, with the SHA-256 of its payload) — then the
 * payloads in the same order. A reader checks the index's HMAC, then reads only the payloads it wants and checks
 * each against its digest: a review reads one or two entries of each bucket it opens, and at 100k CIs a bucket is
 * ~170 KB (reading and checking all of it was a third of the review's extra time over 10k CIs). The bytes hashed
 * are the same as for one HMAC over the whole body.
 * Each JSON payload goes from its string to the file (`writeSync` of a string encodes into a buffer it frees at
 * once), so a flush allocates one small index per bucket and leaves no per-entry Buffer for the garbage collector:
 * a cold 100k plan's ~50 MB of parse entries, made into Buffers and joined (v8.serialize, Buffer.concat), used to
 * stay in the process's malloc heap after they were freed (~80 MB of RSS to the end of the run, above an uncached
 * plan). An entry carried over from the bucket's file keeps its bytes and its digest (what a reader checks).
 */
function writeBucket(tmp: string, bucketPath: string, entries: readonly (readonly [string, BucketEntry])[], macKey: Buffer): void {
  const index = Buffer.allocUnsafe(4 + RECORD_BYTES * entries.length);
  index.writeUInt32LE(entries.length, 0);
  let at = 4;
  for (const [h, e] of entries) {
    index.write(h, at, 32, 'hex');
    index.writeDoubleLE(e.at, at + 32);
    index[at + 40] = e.tag;
    index.writeUInt32LE(e.size, at + 41);
    (e.digest ?? sha256(e.payload!)).copy(index, at + 45);
    at += RECORD_BYTES;
  }
  const mac = bucketMac(macKey, bucketPath, index);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeAll(fd, BUCKET_MAGIC);
    writeAll(fd, mac);
    writeAll(fd, index);
    for (const [, { payload, size }] of entries) {
      if (typeof payload !== 'string') writeAll(fd, payload!);
      else {
        // a short write (a disk filling up): the rest from a copy, whose next write says why (ENOSPC)
        const written = writeSync(fd, payload, null, 'utf8');
        if (written !== size) writeAll(fd, Buffer.from(payload, 'utf8').subarray(written));
      }
    }
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

const dirty = new Set<ContentCache>();
process.on('exit', () => {
  for (const cache of [...dirty]) cache.flush();
});

/** HMAC-SHA256 of an entry: its full key (length-prefixed) and payload, under the cache key. */
function entryMac(macKey: Buffer, fullKey: string, payload: Uint8Array): Buffer {
  return createHmac('sha256', macKey).update(`${fullKey.length}:${fullKey}\0`).update(payload).digest();
}

/** HMAC-SHA256 of a bucket file's index, bound to the bucket it is (namespace, salt directory and prefix: a bucket moved elsewhere does not verify). */
function bucketMac(macKey: Buffer, bucketPath: string, index: Uint8Array): Buffer {
  return createHmac('sha256', macKey).update(bucketMacPrefix(bucketPath)).update(index).digest();
}

function bucketMacPrefix(bucketPath: string): string {
  return `bucket ${bucketPath.split('/').slice(-4).join('/')}\0`;
}

function entryBytes(fullKey: string, value: unknown, macKey: Buffer): Buffer {
  const payload = serialize({ key: fullKey, value });
  return Buffer.concat([MAGIC, entryMac(macKey, fullKey, payload), payload]);
}

/** The value of an entry's bytes, or undefined when they do not check out (format, MAC under `macKey`, key). Nothing is deserialised before the MAC verifies. */
function openEntry<T>(bytes: Buffer, fullKey: string, macKey: Buffer): { value: T } | undefined {
  try {
    if (bytes.length < HEADER || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const payload = bytes.subarray(HEADER);
    if (!timingSafeEqual(entryMac(macKey, fullKey, payload), bytes.subarray(MAGIC.length, HEADER))) return undefined;
    const entry = deserialize(payload) as { key?: unknown; value?: T };
    return entry?.key === fullKey ? { value: entry.value as T } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opened non-blocking and without following a final symlink, so a FIFO or a
 * device planted at an entry's path is a miss instead of a hang.
 */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** `size` bytes of an open file from `position`, or undefined when it ends sooner (truncated meanwhile). */
function readAt(fd: number, size: number, position: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, bytes, read, size - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return read === size ? bytes : undefined;
}

/**
 * A bucket file's entries, their index authenticated by `macKey`: with every payload (`want` {@link WHOLE}, or a
 * file under {@link WHOLE_BELOW}), else with the payload of the entry whose hash is `want` only (read from the same
 * open file). Undefined when absent, not a regular file or larger than `largest` bytes (a FIFO planted there is not
 * waited on; the bytes are read before they can be checked), or damaged — another format, an index that does not
 * authenticate, payloads that do not add up to the file: then `onDamaged` is called and the file removed. Payloads
 * are checked against their index's digests when used ({@link openBatched}). A bucket read every run but written
 * long ago is touched (hourly at most): else the trim took it for unused.
 */
function readBucket(path: string, macKey: Buffer, largest: number, want: string, onDamaged?: () => void): BucketView | undefined {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > largest) return undefined;
    const whole = want === WHOLE || want === RAW || st.size <= WHOLE_BELOW;
    // the index of a bucket of ~100 entries fits in the first 16 KB; a larger one is read on
    const first = readAt(fd, whole ? st.size : Math.min(st.size, 16 * 1024), 0);
    if (!first || first.length < INDEX_AT + 4 || !first.subarray(0, BUCKET_MAGIC.length).equals(BUCKET_MAGIC)) throw new Error('not a bucket');
    const count = first.readUInt32LE(INDEX_AT);
    const indexEnd = INDEX_AT + 4 + RECORD_BYTES * count;
    if (indexEnd > st.size) throw new Error('not a bucket');
    const rest = indexEnd > first.length ? readAt(fd, indexEnd - first.length, first.length) : undefined;
    if (indexEnd > first.length && !rest) throw new Error('not a bucket');
    // a copy, unless the payloads are views of the file's bytes anyway: the digests kept must not keep those alive
    const index = rest
      ? Buffer.concat([first.subarray(INDEX_AT), rest])
      : want === RAW
        ? first.subarray(INDEX_AT, indexEnd)
        : Buffer.from(first.subarray(INDEX_AT, indexEnd));
    if (!timingSafeEqual(bucketMac(macKey, path, index), first.subarray(BUCKET_MAGIC.length, INDEX_AT))) throw new Error('not authenticated');
    const entries = new Map<string, BucketEntry>();
    // read for one entry, only its record is made: a bucket of a 100k-CI repository indexes ~40 entries, and making a
    // record of each (hex name, digest view) for the ~150 buckets a review opens was ~25 ms of its ~0.4 CPU-s over 10k
    const wantHash = whole ? undefined : Buffer.from(want, 'hex');
    let offset = indexEnd;
    for (let i = 0, at = 4; i < count; i++, at += RECORD_BYTES) {
      const tag = index[at + 40];
      if (tag !== JSON_TAG && tag !== V8_TAG) throw new Error('not a bucket');
      const size = index.readUInt32LE(at + 41);
      if (offset + size > st.size) throw new Error('not a bucket');
      if (wantHash === undefined || index.compare(wantHash, 0, 32, at, at + 32) === 0) {
        const payload = !whole ? undefined : want === RAW ? first.subarray(offset, offset + size) : decoded(tag, first, offset, size);
        entries.set(whole ? index.toString('hex', at, at + 32) : want, {
          at: index.readDoubleLE(at + 32),
          tag,
          size,
          offset,
          digest: index.subarray(at + 45, at + RECORD_BYTES),
          payload,
        });
      }
      offset += size;
    }
    if (offset !== st.size) throw new Error('not a bucket');
    const wanted = whole ? undefined : entries.get(want);
    if (wanted) {
      const bytes = readAt(fd, wanted.size, wanted.offset!);
      if (bytes) wanted.payload = decoded(wanted.tag, bytes, 0, wanted.size);
    }
    if (Date.now() - st.mtimeMs > TOUCH_AFTER_MS) {
      try {
        const now = new Date();
        futimesSync(fd, now, now);
      } catch {
        // a read-only cache still serves
      }
    }
    return whole ? { entries, whole } : { entries, whole, index };
  } catch {
    onDamaged?.();
    try {
      rmSync(path, { force: true });
    } catch {
      // rewritten by the next flush anyway
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * A payload out of a bucket's bytes, keeping none of them: a JSON text decoded (checked later by hashing it as
 * UTF-8, which gives the bytes back only if they were valid UTF-8), v8 bytes copied (v8.deserialize makes typed
 * arrays views of its input). Kept as strings, the payloads of the buckets a warm load reads weigh on V8's heap, and
 * the garbage collector runs as it did before; kept as views of the files' bytes (outside the heap, collected only by
 * a full collection), a warm 100k plan's peak RSS rose by 70 MiB.
 */
function decoded(tag: number, bytes: Buffer, start: number, size: number): string | Buffer {
  return tag === JSON_TAG ? bytes.toString('utf8', start, start + size) : Buffer.from(bytes.subarray(start, start + size));
}

let opened: ContentCache | undefined | null = null;

/**
 * The process-wide content cache from the environment (cacheSettings), or
 * undefined when PLUMB_CACHE=off. Opened once; `resetContentCache` forgets it
 * (tests that change the environment).
 */
export function defaultContentCache(): ContentCache | undefined {
  const scoped = callerCache.getStore();
  if (scoped !== undefined) return scoped || undefined;
  if (opened === null) {
    const settings = cacheSettings();
    opened = settings.enabled ? new ContentCache(settings) : undefined;
  }
  return opened;
}

/** The cache an engine caller chose for what runs inside {@link withContentCache} (false: none). */
const callerCache = new AsyncLocalStorage<ContentCache | false>();

/**
 * Runs `body` with `defaultContentCache()` answering `cache` (false: no cache)
 * in it and in everything it starts — so an operation's `contentCache` option
 * reaches the caches its callees open themselves (diff texts, CEL parses, kind
 * validators, render tool versions), not only the loader: `runReview` with
 * `contentCache: false` wrote diff texts to the user's cache directory, and
 * with a cache of its own to the default one. `undefined` changes nothing.
 */
export function withContentCache<T>(cache: ContentCache | false | undefined, body: () => T): T {
  return cache === undefined ? body() : callerCache.run(cache, body);
}

/** The cache an engine caller chose when it loaded these documents (a repository's policy documents), by identity. */
const chosenFor = new WeakMap<object, ContentCache | false>();

/**
 * Records `cache` (an engine caller's `contentCache` option) for `documents`, so the stages that later work on
 * them outside the loader (the policies' CEL parses, engine/policy/load-policies.ts) use the caller's choice,
 * not the environment's. `undefined` records nothing; an empty list is never recorded (it may be shared).
 */
export function rememberContentCache(documents: readonly unknown[], cache: ContentCache | false | undefined): void {
  if (cache !== undefined && documents.length > 0) chosenFor.set(documents, cache);
}

/** The cache recorded for `documents` by {@link rememberContentCache}, or undefined (the environment's). */
export function contentCacheFor(documents: readonly unknown[]): ContentCache | false | undefined {
  return chosenFor.get(documents);
}

/** Forgets the process-wide cache, so the next `defaultContentCache()` reads the environment again. */
export function resetContentCache(): void {
  opened = null;
}

/**
 * Whether `key` is well-formed UTF-16 (no lone surrogate). Keys are hashed and
 * authenticated as UTF-8, where a lone surrogate becomes U+FFFD: a key holding
 * one would share its entry with the key holding U+FFFD in its place (a CEL
 * expression is its own key, and YAML's "\ud800" escape puts a lone surrogate
 * in it: `'<U+D800>' == '\ufffd'` was false parsed and true read back). Such a
 * key is never looked up or stored; every other key hashes as before.
 */
function wellFormed(key: string): boolean {
  return (key as string & { isWellFormed(): boolean }).isWellFormed();
}
