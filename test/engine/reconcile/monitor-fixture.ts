import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createControllerLogger } from '../../../engine/reconcile/logger.js';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/incident-shop/', import.meta.url));

/** A copy of test/fixtures/incident-shop whose Endpoint points at `apiPort`, with optional file overrides. */
export function incidentShop(apiPort: number, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-incident-shop-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const inventory = join(dir, 'inventory', 'shop.yaml');
  writeFileSync(inventory, readFileSync(inventory, 'utf8').replace('__API_PORT__', String(apiPort)));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

/**
 * The shop's public API on 127.0.0.1, which the test turns off and on:
 * `stop` makes its port refuse connections, `start` brings it back on the
 * same port.
 */
export class ApiServer {
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

/** A controller logger whose JSON lines are kept for assertions. */
export function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createControllerLogger({ destination, level: 'debug' });
  return { logger, text: () => lines.join('\n'), records: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}
