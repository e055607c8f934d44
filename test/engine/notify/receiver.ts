import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verifySignature } from '../../../engine/notify/sign.js';

export interface Delivery {
  readonly key: string;
  readonly body: unknown;
  /** The signature header verified under the receiver's secret (false when there is none). */
  readonly signed: boolean;
}

/**
 * A webhook receiver on 127.0.0.1, as an ITSM system would be: it keeps every
 * delivery, counts them by idempotency key (a duplicate shows as a count of
 * 2), can answer a status of choice, and can be stopped and started again on
 * the same port.
 */
export class Receiver {
  readonly deliveries: Delivery[] = [];
  /** Status to answer; 200 unless a test says otherwise. */
  status = 200;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly secret?: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/itsm/token-abc123`;
  }

  /** Keys delivered more than once. */
  duplicates(): string[] {
    const counts = new Map<string, number>();
    for (const d of this.deliveries) counts.set(d.key, (counts.get(d.key) ?? 0) + 1);
    return [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (this.status < 300) {
          const key = String(req.headers[IDEMPOTENCY_HEADER] ?? '');
          const signed = this.secret !== undefined && verifySignature(this.secret, raw, req.headers[SIGNATURE_HEADER] as string | undefined);
          this.deliveries.push({ key, body: JSON.parse(raw.toString('utf8')), signed });
        }
        res.statusCode = this.status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls `condition` every 20 ms; fails after `timeoutMs` (a bound, not a sleep). */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
