import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { scrubText } from '../redact/scrubber.js';
import type { Registry } from 'prom-client';
import { verifyWebhookSignature } from '../sources/webhook-signature.js';

export interface ControllerServerOptions {
  /** `host:port`; port 0 picks a free one. */
  readonly listen: string;
  readonly registry: Registry;
  /** Liveness: the process and its event loop are alive. */
  readonly healthy: () => boolean;
  /** Readiness (see start-controller.ts for what it means for a leader and a follower). */
  readonly ready: () => boolean;
  readonly status: () => unknown;
  /** The shared secret of `POST /hooks/git`; without one the hook answers 404. */
  readonly webhookSecret?: string;
  readonly onWebhook: () => void;
}

const MAX_BODY = 1024 * 1024;

/**
 * The controller's HTTP endpoints: `GET /healthz`, `GET /readyz`, `GET
 * /metrics` (Prometheus text), `GET /status` (the status JSON), and `POST
 * /hooks/git` — a push notification from the Git host, accepted only with a
 * valid `X-Hub-Signature-256` (401 otherwise); it triggers a fetch, and its
 * body is not trusted for anything else.
 */
export async function startControllerServer(options: ControllerServerOptions): Promise<{ server: Server; address: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void handle(options, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  const { host, port } = parseListen(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const address = typeof addr === 'object' && addr ? `${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}` : options.listen;
  return {
    server,
    address,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(o: ControllerServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method === 'GET' && path === '/healthz') return send(res, o.healthy() ? 200 : 503, o.healthy() ? 'ok\n' : 'unhealthy\n');
  if (req.method === 'GET' && path === '/readyz')
    return send(res, o.ready() ? 200 : 503, o.ready() ? 'ok\n' : 'not ready: the first reconcile has not finished\n');
  if (req.method === 'GET' && path === '/metrics') {
    const text = await o.registry.metrics();
    return send(res, 200, text, o.registry.contentType);
  }
  if (req.method === 'GET' && path === '/status') return send(res, 200, scrubText(JSON.stringify(o.status(), null, 2)) + '\n', 'application/json');
  if (path === '/hooks/git') {
    if (req.method !== 'POST') return send(res, 405, 'method not allowed\n');
    if (!o.webhookSecret) return send(res, 404, 'webhook not configured\n');
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > MAX_BODY ? undefined : await readBody(req);
    if (!body) return tooLarge(res);
    const signature = req.headers['x-hub-signature-256'];
    if (!verifyWebhookSignature(o.webhookSecret, body, Array.isArray(signature) ? signature[0] : signature)) return send(res, 401, 'invalid signature\n');
    o.onWebhook();
    return send(res, 202, 'accepted\n');
  }
  send(res, 404, 'not found\n');
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        // stop reading; the 413 is sent, then the connection closed (destroying first would lose the answer)
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** 413, then the connection is closed: the rest of an oversized body is never read. */
function tooLarge(res: ServerResponse): void {
  const body = 'payload too large\n';
  res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body, () => res.socket?.destroy());
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen);
  if (!m) return { host: '127.0.0.1', port: Number(listen) || 8080 };
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
}
