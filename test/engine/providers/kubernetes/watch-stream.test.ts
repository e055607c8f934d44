import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kubeConfigFor } from '../../../helpers/kube-config-for.js';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient, WATCH_EVENT_MAX_CHARS } from '../../../../engine/providers/kubernetes/kube-client.js';

/** A watch endpoint on 127.0.0.1 whose stream `play` writes, chunk by chunk. */
async function watchServer(play: (res: ServerResponse) => Promise<void>) {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    play(res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Until `res` can take more, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

const tick = () => new Promise((r) => setTimeout(r, 20));
let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

/** KubeClient.watch reading the event stream as the API server (or a proxy in front of it) cuts it into chunks. */
describe('watch stream framing', () => {
  it('decodes a character split between two chunks whole', async () => {
    const message = 'réplicas indisponibles — 0/2 prêts ✓';
    const line = Buffer.from(`${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'api', resourceVersion: '7' }, status: { message } } })}\n`);
    const cut = line.indexOf(Buffer.from('é')) + 1; // inside é's two bytes
    const url = await watchServer(async (res) => {
      res.write(line.subarray(0, cut));
      await tick();
      res.write(line.subarray(cut));
      await tick();
      res.end();
    });
    const client = new KubeClient(kubeConfigFor(url));
    const seen: any[] = [];
    await client.watch('/apis/apps/v1/deployments?watch=1', (e) => seen.push(e), new AbortController().signal);
    client.close();
    expect(seen.map((e) => e.object.status.message)).toEqual([message]);
  });

  it('reads events whose lines arrive in many pieces and several to a chunk', async () => {
    const lines = [1, 2, 3].map((i) => `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: `d${i}`, resourceVersion: String(i) } } })}\n`).join('');
    const url = await watchServer(async (res) => {
      for (let i = 0; i < lines.length; i += 7) {
        res.write(lines.slice(i, i + 7));
        if (i % 21 === 0) await tick();
      }
      res.end();
    });
    const client = new KubeClient(kubeConfigFor(url));
    const names: string[] = [];
    await client.watch('/apis/apps/v1/deployments?watch=1', (e) => names.push(e.object.metadata.name), new AbortController().signal);
    client.close();
    expect(names).toEqual(['d1', 'd2', 'd3']);
  });

  it('ends a stream that never sends a line end once it exceeds the bound, instead of buffering it without limit', async () => {
    const piece = 'x'.repeat(1 << 20);
    let sent = 0;
    const url = await watchServer(async (res) => {
      res.write('{"type":"ADDED","object":{"metadata":{"name":"');
      // twice the bound, then it would go on: the client must have given up before
      while (sent < 2 * WATCH_EVENT_MAX_CHARS && !res.destroyed) {
        if (!res.write(piece)) await drained(res);
        sent += piece.length;
      }
      res.end();
    });
    const client = new KubeClient(kubeConfigFor(url));
    await expect(client.watch('/apis/apps/v1/deployments?watch=1', () => undefined, new AbortController().signal)).rejects.toThrow(/without a line end/);
    client.close();
    expect(sent).toBeLessThan(2 * WATCH_EVENT_MAX_CHARS);
  });
});
