import { appendFile, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../providers/atomic-write.js';
import { makeDirectory } from '../model/make-directory.js';

/** A message waiting for delivery, as the outbox keeps it. */
export interface OutboxEntry {
  /** Position in the outbox: delivery order within a group. */
  readonly seq: number;
  /** A destination name (its URL and secret live in the configuration, never in the file). */
  readonly destination: string;
  /** Messages of one group are delivered one after another, in order (incidents: the dedupe key). */
  readonly group: string;
  /** Unique per message; sent as the Idempotency-Key header; a key already enqueued is not enqueued again. */
  readonly key: string;
  readonly payload: unknown;
  /** Epoch ms. */
  readonly enqueuedAt: number;
  readonly attempts: number;
  /** Epoch ms of the next attempt. */
  readonly nextAt: number;
  readonly lastError?: string;
}

/**
 * One line of the outbox file (JSON Lines, append-only between compactions):
 * `enq` a message; `retry` its new attempt count and time; `ok` delivered;
 * `dead` given up; `done` the keys delivered before the last compaction
 * (so a re-enqueue after a crash is still recognised as a duplicate).
 */
export type OutboxRecord =
  | { t: 'enq'; seq: number; destination: string; group: string; key: string; payload: unknown; at: number }
  | { t: 'retry'; seq: number; attempts: number; next: number; error: string }
  | { t: 'ok'; seq: number }
  | { t: 'dead'; seq: number; error: string }
  | { t: 'done'; keys: string[] };

export interface OutboxReplay {
  readonly pending: OutboxEntry[];
  /** Keys delivered or given up, oldest first. */
  readonly done: string[];
  readonly nextSeq: number;
  readonly records: number;
}

/**
 * Rebuilds the outbox from its file. A torn last line (a crash mid-append) is
 * ignored: its append never returned, so its message was never confirmed as
 * enqueued.
 */
export async function replayOutbox(path: string): Promise<OutboxReplay> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  const pending = new Map<number, OutboxEntry>();
  const done: string[] = [];
  let nextSeq = 1;
  let records = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let r: OutboxRecord;
    try {
      r = JSON.parse(line) as OutboxRecord;
    } catch {
      continue;
    }
    records++;
    if (r.t === 'enq') {
      pending.set(r.seq, {
        seq: r.seq,
        destination: r.destination,
        group: r.group,
        key: r.key,
        payload: r.payload,
        enqueuedAt: r.at,
        attempts: 0,
        nextAt: r.at,
      });
      nextSeq = Math.max(nextSeq, r.seq + 1);
    } else if (r.t === 'retry') {
      const e = pending.get(r.seq);
      if (e) pending.set(r.seq, { ...e, attempts: r.attempts, nextAt: r.next, lastError: r.error });
    } else if (r.t === 'ok' || r.t === 'dead') {
      const e = pending.get(r.seq);
      if (e) done.push(e.key);
      pending.delete(r.seq);
    } else if (r.t === 'done') {
      done.push(...r.keys);
    }
  }
  return { pending: [...pending.values()].sort((a, b) => a.seq - b.seq), done, nextSeq, records };
}

/** Appends records durably (fsync) before resolving; appends never interleave. */
export class OutboxLog {
  private handle: FileHandle | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  append(records: readonly OutboxRecord[]): Promise<void> {
    const run = this.chain.then(async () => {
      if (!this.handle) {
        await makeDirectory(dirname(this.path));
        this.handle = await open(this.path, 'a', 0o600);
      }
      await this.handle.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await this.handle.datasync();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Rewrites the file as the pending entries plus the remembered keys, atomically. */
  compact(pending: readonly OutboxEntry[], doneKeys: readonly string[]): Promise<void> {
    const run = this.chain.then(async () => {
      await this.handle?.close();
      this.handle = undefined;
      const lines: OutboxRecord[] = [];
      if (doneKeys.length > 0) lines.push({ t: 'done', keys: [...doneKeys] });
      for (const e of pending) {
        lines.push({ t: 'enq', seq: e.seq, destination: e.destination, group: e.group, key: e.key, payload: e.payload, at: e.enqueuedAt });
        if (e.attempts > 0) lines.push({ t: 'retry', seq: e.seq, attempts: e.attempts, next: e.nextAt, error: e.lastError ?? '' });
      }
      await makeDirectory(dirname(this.path));
      await writeFileAtomic(this.path, lines.map((r) => `${JSON.stringify(r)}\n`).join(''), 0o600);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Keeps a given-up message for an operator to look at (`<path>.dead`). */
  async bury(entry: OutboxEntry, error: string): Promise<void> {
    await appendFile(`${this.path}.dead`, `${JSON.stringify({ ...entry, lastError: error })}\n`, { mode: 0o600 });
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle?.close();
    this.handle = undefined;
  }
}
