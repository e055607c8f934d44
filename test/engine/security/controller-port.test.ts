import { request } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startControllerServer } from '../../../engine/reconcile/controller-server.js';
import { registerSecretsOf } from '../../../engine/redact/scrubber.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function post(address: string, body: Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`http://${address}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe("the controller's port", () => {
  // attack: a webhook body over the limit had its connection torn down without an answer
  it('answers 413 to a webhook body over 1 MiB, declared or streamed, and does not act on it', async () => {
    let hooks = 0;
    const server = await startControllerServer({
      listen: '127.0.0.1:0',
      registry: new Registry(),
      healthy: () => true,
      ready: () => true,
      status: () => ({}),
      webhookSecret: 'x',
      onWebhook: () => hooks++,
    });
    close = server.close;
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    expect(await post(server.address, big)).toBe(413);
    expect(await post(server.address, big, { 'transfer-encoding': 'chunked' })).toBe(413);
    expect(await post(server.address, Buffer.from('{}'))).toBe(401);
    expect(hooks).toBe(0);
  });

  it('serves /status scrubbed of every known secret', async () => {
    registerSecretsOf({ kind: 'Secret', stringData: { pin: 'status-pin-918273' } });
    const server = await startControllerServer({
      listen: '127.0.0.1:0',
      registry: new Registry(),
      healthy: () => true,
      ready: () => true,
      status: () => ({ lastError: 'apply failed: .stringData.pin: expected string, got status-pin-918273' }),
      onWebhook: () => undefined,
    });
    close = server.close;
    const text = await (await fetch(`http://${server.address}/status`)).text();
    expect(text).toContain('got (sensitive)');
    expect(text).not.toContain('918273');
  });
});
