import { createHmac } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { derivedCacheKey } from '../../cache/code-signature.js';
import type { ContentCache } from '../../cache/content-cache.js';
import type { Diagnostic } from '../../model/diagnostic.js';

/** A dry-run answer as the provider returns it, in the form it is kept. */
export interface CachedDryRun {
  /**
   * The server's projection of the desired object (server fields stripped), or
   * `'live'`: it was exactly the live object the key names — the steady state,
   * where nothing is kept but the fact (and a Secret's values never are).
   */
  readonly projected?: Readonly<Record<string, unknown>> | 'live';
  readonly replace?: { readonly fields: readonly string[]; readonly message: string };
  /** Warnings of the answer (a conflict that needs --force-conflicts); never errors. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The content cache's namespace of dry-run answers (bump the suffix when an entry's meaning changes): one
 * entry — a book — per cluster and identity ({@link DryRunCache} `scope`), holding every answer kept for it.
 */
const NAMESPACE = 'kubernetes-dry-run-2';

/** Answers one book keeps at most: past it, the longest unwritten go first. */
const BOOK_ENTRIES = 20_000;

/** Answers kept in memory per process (the controller's loop plans the same objects again and again). */
const MEMORY_ENTRIES = 50_000;

const memory = new Map<string, CachedDryRun>();

/**
 * The last server-side-apply dry-run answer per object and key, on plumb's
 * persistent content cache (engine/cache/content-cache.ts: `$PLUMB_CACHE_DIR`,
 * else `$XDG_CACHE_HOME/plumb`, else `~/.cache/plumb`; atomic rename writes
 * safe under concurrent runs, authenticated entries — a damaged or planted one is a miss —,
 * bounded by age and size, `PLUMB_CACHE=off`), with an in-memory layer for
 * long-lived processes. The key is everything the answer depends on (the
 * provider builds it: engine/providers/kubernetes/kubernetes-provider.ts), so
 * an entry answers exactly the question it was asked.
 *
 * Keys are HMAC-SHA256 under a key derived from the cache key, which lives
 * outside the cache directory (engine/cache/code-signature.ts:
 * `PLUMB_CACHE_KEY`, else this user's key in `$XDG_STATE_HOME/plumb`): a
 * desired Secret is part of its key, and a plain hash of it could be checked
 * against guessed values; a key kept in the cache directory would be read by
 * whoever shares the cache. The entries themselves are authenticated by the
 * content cache, so an answer planted in a shared cache is a miss. A Secret's
 * projection is kept only as `'live'` ({@link CachedDryRun.projected}).
 */
export class DryRunCache {
  private ready?: Promise<Buffer | undefined>;
  /** The book as read, then with this run's answers added (insertion order: the oldest written first). */
  private book?: Promise<{ key: string; answers: Map<string, CachedDryRun> } | undefined>;
  private dirty = false;

  /**
   * @param key the 32-byte key answers' keys are made with; by default derived from the cache key (tests pass another)
   * @param scope what every answer of this cache shares (the API server, the cluster's identity, its version, the
   *   user): the book they are kept in — one content-cache entry read once per run and written once
   *   ({@link flush}) instead of one file per object (a steady-state plan of 500 objects read 500 files)
   */
  constructor(
    private readonly store: ContentCache,
    private readonly key: Buffer | undefined = derivedCacheKey('kubernetes dry-run key'),
    private readonly scope: readonly string[] = [],
  ) {}

  /** The HMAC key of answers' keys; undefined when there is none (then nothing is cached). */
  private secret(): Promise<Buffer | undefined> {
    this.ready ??= (async () => {
      // the key file earlier plumbs kept inside the cache directory: anyone sharing the cache could read it
      await unlink(join(this.store.settings.dir, '.kubernetes-dry-run.hmac')).catch(() => undefined);
      return this.key;
    })();
    return this.ready;
  }

  /** The key of an answer: its parts (joined unambiguously) under the dry-run HMAC key; undefined when the cache cannot be used. */
  async keyOf(parts: readonly string[]): Promise<string | undefined> {
    const secret = await this.secret();
    if (!secret) return undefined;
    // the same bytes as one update per piece (length, part, NUL), in one call: a steady-state plan keys 500 objects of 11 parts
    let text = '';
    for (const p of parts) text += `${p.length}:${p}\u0000`;
    return createHmac('sha256', secret).update(text).digest('hex');
  }

  /** The book of this cache's scope, read once: a damaged or malformed one is an empty book. */
  private open(): Promise<{ key: string; answers: Map<string, CachedDryRun> } | undefined> {
    this.book ??= (async () => {
      const key = await this.keyOf(['book', ...this.scope]);
      if (!key) return undefined;
      const kept = this.store.get<unknown>(NAMESPACE, key);
      const answers = new Map<string, CachedDryRun>();
      if (Array.isArray(kept)) {
        for (const pair of kept) {
          if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && isAnswer(pair[1])) answers.set(pair[0], pair[1]);
        }
      }
      return { key, answers };
    })();
    return this.book;
  }

  /** The answer kept for `key`, or undefined (none, damaged, malformed). */
  async get(key: string): Promise<CachedDryRun | undefined> {
    const inMemory = memory.get(key);
    if (inMemory) return inMemory;
    const answer = (await this.open())?.answers.get(key);
    if (answer) remember(key, answer);
    return answer;
  }

  /** Keeps `answer` for `key` (written to disk by {@link flush}). */
  async put(key: string, answer: CachedDryRun): Promise<void> {
    remember(key, answer);
    const book = await this.open();
    if (!book) return;
    book.answers.delete(key);
    book.answers.set(key, answer);
    while (book.answers.size > BOOK_ENTRIES) book.answers.delete(book.answers.keys().next().value as string);
    this.dirty = true;
  }

  /**
   * Writes the book when this run added answers, at most as large as the content cache reads
   * (PLUMB_CACHE_MAX_MB / 8: past it the oldest answers go, a quarter at a time) (one atomic replace: a run beside it that wrote its own book
   * meanwhile loses its additions, which are asked again next time — a miss, never a wrong answer); a failed
   * write is ignored (the content cache turns itself off, a plan never fails for it).
   */
  async flush(): Promise<void> {
    if (!this.dirty || !this.book) return;
    const book = await this.book;
    this.dirty = false;
    if (!book) return;
    // a book larger than the cache reads would be a miss every run (and written again each time): the oldest quarter goes until it fits
    let answers = [...book.answers];
    while (this.store.set(NAMESPACE, book.key, answers) === 'too-large' && answers.length > 1) answers = answers.slice(Math.max(1, answers.length >> 2));
  }
}

/** Forgets the in-memory layer (tests: a fresh process reads only the files). */
export function forgetDryRunMemory(): void {
  memory.clear();
}

function remember(key: string, answer: CachedDryRun): void {
  if (memory.size >= MEMORY_ENTRIES && !memory.has(key)) memory.delete(memory.keys().next().value as string);
  memory.set(key, answer);
}

function isAnswer(a: unknown): a is CachedDryRun {
  if (a === null || typeof a !== 'object') return false;
  const x = a as Record<string, unknown>;
  if (!Array.isArray(x.diagnostics)) return false;
  if (x.projected !== undefined && x.projected !== 'live' && (x.projected === null || typeof x.projected !== 'object')) return false;
  if (x.replace !== undefined && (x.replace === null || typeof x.replace !== 'object' || !Array.isArray((x.replace as Record<string, unknown>).fields)))
    return false;
  return x.projected !== undefined || x.replace !== undefined;
}
