import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../engine/concurrency/backoff.js';
import { sendWebhook } from '../../../engine/notify/send-webhook.js';
import { signatureOf, verifySignature } from '../../../engine/notify/sign.js';
import { Receiver } from './receiver.js';

let receiver: Receiver | undefined;
afterEach(async () => receiver?.stop());

async function answering(status: number, headers: Record<string, string> = {}): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, headers);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/secret-token`, close: () => server.close() };
}

describe('sendWebhook', () => {
  it('posts the JSON payload signed with HMAC-SHA256 and carrying the idempotency key', async () => {
    receiver = new Receiver('s3cret');
    await receiver.start();
    const result = await sendWebhook(receiver.url, { hello: 'world' }, { secret: 's3cret', timeoutMs: 2000, idempotencyKey: 'abc:1' });
    expect(result).toEqual({ ok: true, status: 200 });
    expect(receiver.deliveries).toEqual([{ key: 'abc:1', body: { hello: 'world' }, signed: true }]);
  });

  it('a signature is the hex HMAC of the exact body, and verifies only under the same secret', () => {
    const body = '{"a":1}';
    // The same value as `printf '{"a":1}' | openssl dgst -sha256 -hmac k`.
    expect(signatureOf('k', body)).toBe('sha256=c3a92ff9e274cdcce27a58c15a78ec6dcbbdbd0038a87e7a11baef2028fd8bff');
    expect(verifySignature('k', body, signatureOf('k', body))).toBe(true);
    expect(verifySignature('other', body, signatureOf('k', body))).toBe(false);
    expect(verifySignature('k', '{"a":2}', signatureOf('k', body))).toBe(false);
    expect(verifySignature('k', body, undefined)).toBe(false);
  });

  it('classifies answers: 5xx and 429 are worth a retry (honouring Retry-After), other 4xx and redirects are not', async () => {
    const cases = [await answering(503), await answering(429, { 'retry-after': '7' }), await answering(404), await answering(302, { location: '/elsewhere' })];
    try {
      const results = await Promise.all(cases.map((c) => sendWebhook(c.url, {}, { timeoutMs: 2000 })));
      expect(results).toEqual([
        { ok: false, status: 503, retryable: true, error: 'receiver answered 503' },
        { ok: false, status: 429, retryable: true, error: 'receiver answered 429', retryAfterMs: 7000 },
        { ok: false, status: 404, retryable: false, error: 'receiver answered 404' },
        { ok: false, status: 302, retryable: false, error: 'redirected (302); webhooks are not redirected' },
      ]);
    } finally {
      for (const c of cases) c.close();
    }
  });

  it('a receiver that is down or too slow is worth a retry, and the error never shows the url', async () => {
    receiver = new Receiver();
    await receiver.start();
    const url = receiver.url;
    await receiver.stop();
    expect(await sendWebhook(url, {}, { timeoutMs: 2000 })).toEqual({ ok: false, retryable: true, error: 'connection refused' });
    const slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const result = await sendWebhook(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/token-abc123`, {}, { timeoutMs: 150 });
      expect(result).toEqual({ ok: false, retryable: true, error: 'timed out after 150 ms' });
      expect(JSON.stringify(result)).not.toContain('token');
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });
});

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };
  it('doubles per attempt, half of it jitter, up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000, 30_000]);
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 60_000]);
  });
  it("honours the receiver's Retry-After, but not beyond the cap", () => {
    expect(backoffDelay(1, policy, () => 0, 7000)).toBe(7000);
    expect(backoffDelay(1, policy, () => 0, 3_600_000)).toBe(60_000);
  });
});
