import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';

/** Loopback servers for probe tests; every one listens on 127.0.0.1 and an ephemeral port. */
export interface Running {
  readonly port: number;
  readonly close: () => Promise<void>;
}

async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port that accepts connections (and closes them). */
export function tcpAccepting(): Promise<Running> {
  return listen(createTcpServer((socket) => socket.end()));
}

/** A port nothing listens on: bound, then released. */
export async function refusedPort(): Promise<number> {
  const s = await tcpAccepting();
  await s.close();
  return s.port;
}

/** Every request a test server received, `METHOD path`. */
export type RequestLog = string[];

/** `/ok` 200, `/fail` 500, `/slow` never answers, `/moved` 302 to `/ok`. */
export function routes(log: RequestLog) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    log.push(`${req.method} ${req.url}`);
    if (req.url === '/ok') res.end('ok');
    else if (req.url === '/fail') {
      res.statusCode = 500;
      res.end('boom');
    } else if (req.url === '/moved') {
      res.writeHead(302, { location: '/ok' });
      res.end();
    } else if (req.url === '/slow') {
      /* never answers */
    } else {
      res.statusCode = 404;
      res.end();
    }
  };
}

export function httpServer(log: RequestLog): Promise<Running> {
  return listen(createHttpServer(routes(log)) as unknown as Server);
}

export interface Certificate {
  readonly cert: string;
  readonly key: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A self-signed certificate for 127.0.0.1 valid for `days` days, made with the openssl CLI. */
export function selfSigned(dir: string, days: number): Certificate {
  const key = join(dir, `key-${days}.pem`);
  const cert = join(dir, `cert-${days}.pem`);
  const ext = join(dir, `ext-${days}.cnf`);
  writeFileSync(
    ext,
    '[req]\ndistinguished_name=dn\nx509_extensions=v3\nprompt=no\n[dn]\nCN=127.0.0.1\n[v3]\nsubjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:TRUE\n',
  );
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', String(days), '-config', ext], {
    stdio: 'pipe',
  });
  const pem = readFileSync(cert, 'utf8');
  const x509 = new X509Certificate(pem);
  return { cert: pem, key: readFileSync(key, 'utf8'), notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) };
}

export function httpsServer(certificate: Certificate, log: RequestLog): Promise<Running> {
  return listen(createHttpsServer({ cert: certificate.cert, key: certificate.key }, routes(log)) as unknown as Server);
}
