import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../../engine/providers/kubernetes/kube-client.js';
import { loadKubeConfig } from '../../../../engine/providers/kubernetes/kube-config.js';
import { makePki, type Pki } from '../../../cluster/certificates.js';

/**
 * The client's TLS: one context (the kubeconfig's CA, client certificate and
 * key) built once and shared by every connection, which must still verify the
 * server and present the client certificate on each of them.
 */
describe('KubeClient over TLS', () => {
  let dir: string;
  let pki: Pki;
  let server: Server;
  let port: number;
  const handshakes: string[] = [];
  /** The same server speaking HTTP/2 (and HTTP/1.1 to a client that asks for it), as the API server does. */
  let h2server: Http2SecureServer;
  let h2port: number;
  const h2handshakes: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-kube-tls-'));
    pki = makePki(dir);
    const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    const p = (name: string) => join(dir, name);
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('client.key'), '-out', p('client.csr'), '-subj', '/CN=plumb-client/O=system:masters');
    writeFileSync(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
    ssl(
      'x509',
      '-req',
      '-in',
      p('client.csr'),
      '-CA',
      pki.caCert,
      '-CAkey',
      pki.caKey,
      '-CAcreateserial',
      '-out',
      p('client.crt'),
      '-days',
      '2',
      '-extfile',
      p('client.ext'),
    );
    server = createServer(
      { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ca: readFileSync(pki.caCert), requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url, user: peer.subject?.CN }));
      },
    );
    server.on('secureConnection', (s: TLSSocket) => handshakes.push(String(s.getPeerCertificate().subject?.CN ?? '(none)')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
    h2server = createSecureServer(
      {
        cert: readFileSync(pki.serverCert),
        key: readFileSync(pki.serverKey),
        ca: readFileSync(pki.caCert),
        requestCert: true,
        rejectUnauthorized: true,
        allowHTTP1: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url, user: peer.subject?.CN, http: req.httpVersion, authorization: req.headers.authorization ?? null }));
      },
    );
    h2server.on('secureConnection', (s: TLSSocket) => h2handshakes.push(String(s.getPeerCertificate().subject?.CN ?? '(none)')));
    await new Promise<void>((r) => h2server.listen(0, '127.0.0.1', r));
    h2port = (h2server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => h2server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  function kubeconfig(name: string, ca: string, at = port, extra = ''): string {
    const file = join(dir, name);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${at}", certificate-authority: "${ca}"}}]`,
        `users: [{name: u, user: {client-certificate: "${join(dir, 'client.crt')}", client-key: "${join(dir, 'client.key')}"${extra}}}]`,
        'contexts: [{name: c, context: {cluster: c, user: u}}]',
        '',
      ].join('\n'),
    );
    return file;
  }

  it('verifies the server and presents the client certificate on every connection of many concurrent calls, resolving the user once (a server that speaks only HTTP/1.1)', async () => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfig('good', pki.caCert) });
    let resolved = 0;
    const apply = kc.applyToHTTPSOptions.bind(kc);
    kc.applyToHTTPSOptions = (opts) => {
      resolved++;
      return apply(opts);
    };
    const client = new KubeClient(kc, undefined, 8);
    handshakes.length = 0;
    try {
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => client.call({ method: 'GET', path: `/api/v1/namespaces/n${i}` })));
      expect(answers.map((a) => a.body)).toEqual(Array.from({ length: 24 }, (_, i) => ({ path: `/api/v1/namespaces/n${i}`, user: 'plumb-client' })));
      expect(resolved).toBe(1);
      // at most 8 connections, each with the client certificate
      expect(handshakes.length).toBeGreaterThan(1);
      expect(handshakes.length).toBeLessThanOrEqual(8);
      expect(new Set(handshakes)).toEqual(new Set(['plumb-client']));
    } finally {
      client.close();
    }
  });

  it('makes every call over one HTTP/2 connection where the server offers it, verifying the server and presenting the client certificate', async () => {
    const client = new KubeClient(
      loadKubeConfig({ kubeconfig: kubeconfig('h2', pki.caCert, h2port, ', username: ada, password: "s3cret pass"') }),
      undefined,
      8,
    );
    h2handshakes.length = 0;
    try {
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => client.call({ method: 'GET', path: `/api/v1/namespaces/n${i}` })));
      const basic = `Basic ${Buffer.from('ada:s3cret pass').toString('base64')}`;
      expect(answers.map((a) => a.body)).toEqual(
        Array.from({ length: 24 }, (_, i) => ({ path: `/api/v1/namespaces/n${i}`, user: 'plumb-client', http: '2.0', authorization: basic })),
      );
      // one TLS handshake for all of them (over HTTP/1.1: one per connection, up to 8)
      expect(h2handshakes).toEqual(['plumb-client']);
    } finally {
      client.close();
    }
  });

  it('falls back to HTTP/1.1 where the TLS server ignores ALPN (no h2 offered, no alert)', async () => {
    const http = createHttpServer((req, res) => res.end(JSON.stringify({ http: req.httpVersion, path: req.url })));
    const tls = createTlsServer({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) }, (socket) => http.emit('connection', socket));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const at = (tls.address() as { port: number }).port;
    const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig('no-alpn', pki.caCert, at) }), { attempts: 1, baseMs: 1, maxMs: 1 });
    try {
      const answers = await Promise.all([1, 2, 3].map((i) => client.call({ method: 'GET', path: `/v${i}` })));
      expect(answers.map((a) => a.body)).toEqual([1, 2, 3].map((i) => ({ http: '1.1', path: `/v${i}` })));
    } finally {
      client.close();
      await new Promise((r) => tls.close(r));
    }
  });

  it('stays on HTTP/1.1 with DISABLE_HTTP2 set, as kubectl', async () => {
    const saved = process.env.DISABLE_HTTP2;
    process.env.DISABLE_HTTP2 = '1';
    const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig('h1-forced', pki.caCert, h2port) }));
    try {
      const answer = await client.call({ method: 'GET', path: '/version' });
      expect(answer.body).toMatchObject({ user: 'plumb-client', http: '1.1' });
    } finally {
      client.close();
      if (saved === undefined) delete process.env.DISABLE_HTTP2;
      else process.env.DISABLE_HTTP2 = saved;
    }
  });

  it('refuses a server its CA did not sign, over HTTP/2 too', async () => {
    const other = mkdtempSync(join(dir, 'other-h2-'));
    const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig('wrong-ca-h2', makePki(other).caCert, h2port) }), {
      attempts: 1,
      baseMs: 1,
      maxMs: 1,
    });
    try {
      await expect(client.call({ method: 'GET', path: '/version' })).rejects.toMatchObject({
        code: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED|CERT/),
      });
    } finally {
      client.close();
    }
  });

  it('refuses a server its CA did not sign', async () => {
    const other = mkdtempSync(join(dir, 'other-'));
    const otherCa = makePki(other).caCert;
    const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig('wrong-ca', otherCa) }), { attempts: 1, baseMs: 1, maxMs: 1 });
    try {
      await expect(client.call({ method: 'GET', path: '/version' })).rejects.toMatchObject({
        code: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED|CERT/),
      });
    } finally {
      client.close();
    }
  });
});
