import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox, type OutboxEvent, type OutboxMessage } from '../../../engine/notify/outbox.js';
import { Receiver, waitFor } from './receiver.js';

const SECRET = 's3cret-hmac-key';
const FAST = { baseMs: 40, maxMs: 200 };
const open: Outbox[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.stop()));
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

async function receiver(): Promise<Receiver> {
  const r = new Receiver(SECRET);
  await r.start();
  receivers.push(r);
  return r;
}

async function outbox(path: string, r: Receiver, events: OutboxEvent[] = []): Promise<Outbox> {
  const o = await Outbox.open({ path, destinations: { itsm: { url: r.url, secret: SECRET, timeoutMs: 1000 } }, backoff: FAST, onEvent: (e) => events.push(e) });
  open.push(o);
  return o;
}

const msg = (group: string, n: number): OutboxMessage => ({ destination: 'itsm', group, key: `${group}:${n}`, payload: { group, n } });
const outboxPath = () => join(mkdtempSync(join(tmpdir(), 'plumb-outbox-')), 'outbox.jsonl');

describe('the outbox', () => {
  it('delivers each message once, signed, in order within its group', async () => {
    const r = await receiver();
    const o = await outbox(outboxPath(), r);
    expect(await o.enqueue([msg('a', 1), msg('b', 1), msg('a', 2), msg('a', 3)])).toBe(4);
    await o.flush();
    expect(r.deliveries.filter((d) => d.key.startsWith('a:')).map((d) => d.key)).toEqual(['a:1', 'a:2', 'a:3']);
    expect(r.deliveries.map((d) => d.key).sort()).toEqual(['a:1', 'a:2', 'a:3', 'b:1']);
    expect(r.deliveries.every((d) => d.signed)).toBe(true);
    expect(o.pending()).toEqual([]);
  });

  it('drops a message whose key it has seen, pending or delivered', async () => {
    const r = await receiver();
    const o = await outbox(outboxPath(), r);
    await o.enqueue([msg('a', 1)]);
    await o.flush();
    expect(await o.enqueue([msg('a', 1), msg('a', 2), msg('a', 2)])).toBe(1);
    await o.flush();
    expect(r.deliveries.map((d) => d.key)).toEqual(['a:1', 'a:2']);
  });

  it('retries with backoff while the receiver is down, and delivers everything once it is back', async () => {
    const r = await receiver();
    const events: OutboxEvent[] = [];
    const o = await outbox(outboxPath(), r, events);
    o.start();
    await r.stop();
    await o.enqueue([msg('a', 1), msg('a', 2), msg('b', 1)]);
    await waitFor(() => events.filter((e) => e.type === 'retry').length >= 4, 5000, 'retries');
    // Only the heads were tried: a:2 waits for a:1.
    expect(new Set(events.filter((e) => e.type === 'retry').map((e) => e.entry.key))).toEqual(new Set(['a:1', 'b:1']));
    const delays = events.flatMap((e) => (e.type === 'retry' && e.entry.key === 'a:1' ? [e.delayMs] : []));
    expect(delays.every((d, i) => d >= Math.min(FAST.maxMs, FAST.baseMs * 2 ** i) / 2 && d <= FAST.maxMs)).toBe(true);
    await r.start();
    await waitFor(() => r.deliveries.length === 3, 5000, 'deliveries');
    expect(r.deliveries.map((d) => d.key).filter((k) => k.startsWith('a'))).toEqual(['a:1', 'a:2']);
    expect(r.duplicates()).toEqual([]);
  });

  it('loses nothing and repeats nothing across a restart', async () => {
    const path = outboxPath();
    const r = await receiver();
    const first = await outbox(path, r);
    await first.enqueue([msg('a', 1)]);
    await first.flush();
    await r.stop();
    await first.enqueue([msg('a', 2), msg('b', 1)]);
    await first.flush(); // fails: receiver down
    expect(first.pending().map((e) => [e.key, e.attempts])).toEqual([
      ['a:2', 1],
      ['b:1', 1],
    ]);
    await first.stop();

    await r.start();
    const second = await outbox(path, r);
    expect(second.pending().map((e) => e.key)).toEqual(['a:2', 'b:1']);
    second.start();
    await waitFor(() => second.pending().length === 0, 5000, 'the outbox to drain');
    // The controller re-sends what it sent before the crash: nothing is delivered twice.
    expect(await second.enqueue([msg('a', 1), msg('a', 2)])).toBe(0);
    await second.stop();
    const third = await outbox(path, r);
    await third.flush();
    expect(r.deliveries.map((d) => d.key).sort()).toEqual(['a:1', 'a:2', 'b:1']);
    expect(r.duplicates()).toEqual([]);
  });

  it('gives up a message the receiver refuses, keeps it in <path>.dead, and goes on with its group', async () => {
    const path = outboxPath();
    const r = await receiver();
    const events: OutboxEvent[] = [];
    const o = await outbox(path, r, events);
    r.status = 422;
    await o.enqueue([msg('a', 1)]);
    await o.flush();
    r.status = 200;
    await o.enqueue([msg('a', 2)]);
    await o.flush();
    expect(events.map((e) => [e.type, e.entry.key])).toEqual([
      ['dead', 'a:1'],
      ['delivered', 'a:2'],
    ]);
    expect(
      readFileSync(`${path}.dead`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).key),
    ).toEqual(['a:1']);
    expect(r.deliveries.map((d) => d.key)).toEqual(['a:2']);
  });

  it('never writes the destination url or secret to its files', async () => {
    const path = outboxPath();
    const r = await receiver();
    const o = await outbox(path, r);
    r.status = 400;
    await o.enqueue([msg('a', 1)]);
    await o.flush();
    await o.enqueue([msg('a', 2)]);
    const files = [path, `${path}.dead`]
      .filter(existsSync)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(files).toContain('a:2');
    expect(files).not.toContain('token-abc123');
    expect(files).not.toContain(SECRET);
  });

  it('ignores a line torn by a crash mid-append', async () => {
    const path = outboxPath();
    const r = await receiver();
    const first = await outbox(path, r);
    await r.stop();
    await first.enqueue([msg('a', 1)]);
    await first.stop();
    appendFileSync(path, '{"t":"enq","seq":2,"destination":"itsm","gro');
    await r.start();
    const second = await outbox(path, r);
    expect(second.pending().map((e) => e.key)).toEqual(['a:1']);
    await second.flush();
    expect(r.deliveries.map((d) => d.key)).toEqual(['a:1']);
  });
});
