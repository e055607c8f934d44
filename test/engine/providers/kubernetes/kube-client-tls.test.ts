import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
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
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  function kubeconfig(name: string, ca: string): string {
    const file = join(dir, name);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", certificate-authority: "${ca}"}}]`,
        `users: [{name: u, user: {client-certificate: "${join(dir, 'client.crt')}", client-key: "${join(dir, 'client.key')}"}}]`,
        'contexts: [{name: c, context: {cluster: c, user: u}}]',
        '',
      ].join('\n'),
    );
    return file;
  }

  it('verifies the server and presents the client certificate on every connection of many concurrent calls, resolving the user once', async () => {
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
