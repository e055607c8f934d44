import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../concurrency/backoff.js';
import { OutboxLog, replayOutbox, type OutboxEntry } from './outbox-log.js';
import { sendWebhook, type WebhookOptions, type WebhookResult } from './send-webhook.js';

/** Where messages go. Kept in memory only: URLs and secrets never reach the outbox file. */
export interface Destination {
  readonly url: string;
  readonly secret?: string;
  /** Per delivery attempt (default 10 s). */
  readonly timeoutMs?: number;
}

export interface OutboxMessage {
  /** A key of `destinations`. */
  readonly destination: string;
  /** Delivery order is kept within a group (incidents: the dedupe key). */
  readonly group: string;
  /** Unique per message (incidents: `dedupeKey:revision`); sent as Idempotency-Key. */
  readonly key: string;
  readonly payload: unknown;
}

export type OutboxEvent =
  | { readonly type: 'delivered'; readonly entry: OutboxEntry; readonly status: number }
  | { readonly type: 'retry'; readonly entry: OutboxEntry; readonly error: string; readonly delayMs: number }
  | { readonly type: 'dead'; readonly entry: OutboxEntry; readonly error: string };

export interface OutboxOptions {
  /** The outbox file (JSON Lines), e.g. `.plumb/outbox.jsonl`. */
  readonly path: string;
  readonly destinations: Readonly<Record<string, Destination>>;
  readonly backoff?: BackoffPolicy;
  /** A message still undelivered this long after it was enqueued is given up (default 7 days). */
  readonly maxAgeMs?: number;
  /** Deliveries in flight at once, across groups (default 4). */
  readonly concurrency?: number;
  /** For logs and metrics. */
  readonly onEvent?: (event: OutboxEvent) => void;
  /** Injectable for tests. */
  readonly now?: () => number;
  readonly random?: () => number;
  readonly send?: (url: string, payload: unknown, options: WebhookOptions) => Promise<WebhookResult>;
}

/** How many delivered keys are remembered to drop re-enqueued duplicates. */
const REMEMBERED_KEYS = 10_000;
/** The file is compacted once it holds this many records more than the pending messages. */
const COMPACT_AFTER = 1_000;

/**
 * A durable outbox: a message is written (fsync'd) to the file before
 * `enqueue` returns, then delivered with retries — exponential backoff with
 * jitter while the receiver is down, in order within its group (a group's
 * next message waits for the one before), each delivery carrying its
 * Idempotency-Key. A delivered message is recorded as such before anything
 * else happens, so it is not sent again after a restart; a message whose
 * delivery was in flight during a crash may be sent once more with the same
 * key, which receivers drop. A 4xx other than 408/425/429, an unknown
 * destination, or `maxAgeMs` gives a message up (`<path>.dead`, event
 * `dead`) so that it does not block its group for ever.
 */
export class Outbox {
  private readonly queues = new Map<string, OutboxEntry[]>();
  private readonly known = new Set<string>();
  private done: string[];
  private nextSeq: number;
  private records: number;
  private flushing: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly log: OutboxLog;
  private readonly now: () => number;

  private constructor(
    private readonly options: OutboxOptions,
    replay: Awaited<ReturnType<typeof replayOutbox>>,
  ) {
    this.log = new OutboxLog(options.path);
    this.now = options.now ?? Date.now;
    this.done = replay.done.slice(-REMEMBERED_KEYS);
    this.nextSeq = replay.nextSeq;
    this.records = replay.records;
    for (const key of this.done) this.known.add(key);
    for (const e of replay.pending) this.push(e);
  }

  /** Reads what a previous process left in the file; nothing is sent until `flush` or `start`. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const outbox = new Outbox(options, await replayOutbox(options.path));
    await outbox.compact();
    return outbox;
  }

  /**
   * Queues messages durably; returns how many were new (a key seen before —
   * pending or delivered — is skipped). With `start`ed delivery, sending begins
   * at once.
   */
  async enqueue(messages: readonly OutboxMessage[]): Promise<number> {
    const at = this.now();
    const fresh: OutboxEntry[] = [];
    for (const m of messages) {
      if (this.known.has(m.key)) continue;
      this.known.add(m.key);
      fresh.push({ seq: this.nextSeq++, destination: m.destination, group: m.group, key: m.key, payload: m.payload, enqueuedAt: at, attempts: 0, nextAt: at });
    }
    if (fresh.length === 0) return 0;
    try {
      await this.log.append(
        fresh.map((e) => ({ t: 'enq' as const, seq: e.seq, destination: e.destination, group: e.group, key: e.key, payload: e.payload, at })),
      );
    } catch (e) {
      for (const f of fresh) this.known.delete(f.key);
      throw e;
    }
    this.records += fresh.length;
    for (const e of fresh) this.push(e);
    if (this.running) this.schedule(0);
    return fresh.length;
  }

  /** Messages not delivered yet, in order. */
  pending(): OutboxEntry[] {
    return [...this.queues.values()].flat().sort((a, b) => a.seq - b.seq);
  }

  /** When the next attempt is due (epoch ms), or undefined when nothing is pending. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const q of this.queues.values()) if (next === undefined || q[0].nextAt < next) next = q[0].nextAt;
    return next;
  }

  /**
   * Sends every message that is due now, group heads first, each once (a
   * delivered head lets its successor go in the same flush); resolves when done. A call during a flush joins it (and makes
   * it look once more).
   */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.again = false;
          await this.flushDue();
        } while (this.again);
        if (this.records - this.pending().length > COMPACT_AFTER) await this.compact();
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Delivers in the background, each message when it is due (the timer does not keep the process alive). */
  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Stops background delivery and waits for deliveries in flight; the file keeps the rest. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.log.close();
  }

  private schedule(delayMs?: number): void {
    if (!this.running) return;
    const due = this.nextDueAt();
    if (due === undefined) return;
    if (this.timer) clearTimeout(this.timer);
    const wait = delayMs ?? Math.max(0, due - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A flush fails only when the file cannot be written: try again after the base delay, not in a tight loop.
      this.flush().then(
        () => this.schedule(),
        () => this.schedule((this.options.backoff ?? DEFAULT_BACKOFF).baseMs),
      );
    }, wait);
    this.timer.unref();
  }

  /** One pass: each due head is tried once (a failed one waits for its backoff, even if that is already over). */
  private async flushDue(): Promise<void> {
    const failed = new Set<number>();
    for (;;) {
      const now = this.now();
      const due = [...this.queues.values()].map((q) => q[0]).filter((e) => e.nextAt <= now && !failed.has(e.seq));
      if (due.length === 0) return;
      const limit = Math.max(1, this.options.concurrency ?? 4);
      for (let i = 0; i < due.length; i += limit) {
        await Promise.all(
          due.slice(i, i + limit).map(async (e) => {
            if (!(await this.deliver(e))) failed.add(e.seq);
          }),
        );
      }
    }
  }

  /** Tries one message; false when it stays pending (to be retried later). */
  private async deliver(entry: OutboxEntry): Promise<boolean> {
    const destination = this.options.destinations[entry.destination];
    if (!destination) return this.giveUp(entry, `no destination named ${entry.destination}`);
    const send = this.options.send ?? sendWebhook;
    const result = await send(destination.url, entry.payload, {
      secret: destination.secret,
      timeoutMs: destination.timeoutMs ?? 10_000,
      idempotencyKey: entry.key,
    });
    if (result.ok) {
      await this.log.append([{ t: 'ok', seq: entry.seq }]);
      this.records++;
      this.settle(entry);
      this.options.onEvent?.({ type: 'delivered', entry, status: result.status });
      return true;
    }
    const now = this.now();
    if (!result.retryable || now - entry.enqueuedAt >= (this.options.maxAgeMs ?? 7 * 86_400_000)) return this.giveUp(entry, result.error);
    const attempts = entry.attempts + 1;
    const delayMs = backoffDelay(attempts, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random ?? Math.random, result.retryAfterMs);
    const next: OutboxEntry = { ...entry, attempts, nextAt: now + delayMs, lastError: result.error };
    await this.log.append([{ t: 'retry', seq: entry.seq, attempts, next: next.nextAt, error: result.error }]);
    this.records++;
    this.queues.get(entry.group)![0] = next;
    this.options.onEvent?.({ type: 'retry', entry: next, error: result.error, delayMs });
    return false;
  }

  private async giveUp(entry: OutboxEntry, error: string): Promise<true> {
    await this.log.bury(entry, error);
    await this.log.append([{ t: 'dead', seq: entry.seq, error }]);
    this.records++;
    this.settle(entry);
    this.options.onEvent?.({ type: 'dead', entry, error });
    return true;
  }

  private push(entry: OutboxEntry): void {
    this.known.add(entry.key);
    const q = this.queues.get(entry.group);
    if (q) q.push(entry);
    else this.queues.set(entry.group, [entry]);
  }

  /** Removes a group's head once delivered or given up. */
  private settle(entry: OutboxEntry): void {
    const q = this.queues.get(entry.group)!;
    q.shift();
    if (q.length === 0) this.queues.delete(entry.group);
    this.done.push(entry.key);
    if (this.done.length > 2 * REMEMBERED_KEYS) {
      for (const k of this.done.splice(0, this.done.length - REMEMBERED_KEYS)) this.known.delete(k);
    }
  }

  private async compact(): Promise<void> {
    const pending = this.pending();
    const keys = this.done.slice(-REMEMBERED_KEYS);
    await this.log.compact(pending, keys);
    this.records = pending.length + (keys.length > 0 ? 1 : 0) + pending.filter((e) => e.attempts > 0).length;
  }
}
