import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KubeClient } from '../../engine/providers/kubernetes/kube-client.js';
import { loadKubeConfig } from '../../engine/providers/kubernetes/kube-config.js';
import { scrubText } from '../../engine/redact/scrubber.js';
import { describeCluster } from './cluster-test.js';
import type { ControlPlaneInfo } from './control-plane.js';

const PASSWORD = 'pr0xy-P@ss:word-91';
const USER = 'plumb-proxy';

/**
 * A kubeconfig cluster's `proxy-url` (kubectl honours it: a bastion's HTTP
 * proxy, `ssh -D`'s SOCKS): plumb's client reaches the real API server through
 * an HTTP CONNECT proxy on 127.0.0.1, for calls and for watches, with the
 * proxy's credentials; the server's name (`kubernetes.default`, in its
 * certificate) resolves nowhere but at the proxy, so a client that ignores
 * proxy-url cannot connect at all. A proxy refusing the password fails the
 * call without printing it. Without proxy-url, the environment's HTTPS_PROXY
 * and NO_PROXY decide, as for kubectl.
 */
describeCluster('the kubernetes client goes through the kubeconfig proxy-url', (cluster) => {
  let c: ControlPlaneInfo;
  let proxy: Server;
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();

  const kubeconfig = (name: string, password: string | undefined): string => {
    const port = new URL(c.server).port;
    const file = join(c.dir, `${name}.kubeconfig`);
    const proxyPort = (proxy.address() as AddressInfo).port;
    const ca = readFileSync(c.caFile).toString('base64');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: behind-proxy',
        '  cluster:',
        `    server: https://kubernetes.default:${port}`,
        `    certificate-authority-data: ${ca}`,
        ...(password === undefined ? [] : [`    proxy-url: http://${USER}:${encodeURIComponent(password)}@127.0.0.1:${proxyPort}`]),
        'users:',
        `- {name: admin, user: {token: ${c.adminToken}}}`,
        'contexts:',
        '- {name: proxied, context: {cluster: behind-proxy, user: admin}}',
        'current-context: proxied',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    return file;
  };

  beforeAll(async () => {
    c = cluster();
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, client: Socket) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      if (req.headers['proxy-authorization'] !== expected) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
        return;
      }
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      // only the proxy knows where kubernetes.default is
      const upstream = connect(Number(port), host === 'kubernetes.default' ? '127.0.0.1' : host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('calls and watches are tunnelled through the proxy with its credentials', async () => {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig('proxied', PASSWORD) }));
    try {
      const res = await client.call({ method: 'GET', path: '/api/v1/namespaces/default' });
      expect(res.status).toBe(200);
      expect((res.body as { metadata: { name: string } }).metadata.name).toBe('default');
      const events: string[] = [];
      await client.watch(
        '/api/v1/namespaces?watch=1&fieldSelector=metadata.name%3Ddefault&timeoutSeconds=1',
        (e) => events.push(`${e.type} ${e.object?.metadata?.name}`),
        new AbortController().signal,
      );
      expect(events).toContain('ADDED default');
    } finally {
      client.close();
    }
    const port = new URL(c.server).port;
    // one tunnel for the calls' agent, one for the watches'
    expect(tunnels.filter((t) => t === `kubernetes.default:${port}`).length).toBeGreaterThanOrEqual(2);
    expect(tunnels.every((t) => t === `kubernetes.default:${port}`)).toBe(true);
  });

  it('without proxy-url, HTTPS_PROXY is used unless NO_PROXY names the server, as kubectl', async () => {
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    const port = new URL(c.server).port;
    const proxyPort = (proxy.address() as AddressInfo).port;
    process.env.HTTPS_PROXY = `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxyPort}`;
    delete process.env.no_proxy;
    try {
      process.env.NO_PROXY = 'other.example,10.0.0.0/8';
      const before = tunnels.length;
      const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig('env-proxy', undefined) }));
      try {
        expect((await client.call({ method: 'GET', path: '/api/v1/namespaces/default' })).status).toBe(200);
      } finally {
        client.close();
      }
      expect(tunnels.slice(before)).toEqual([`kubernetes.default:${port}`]);
      // NO_PROXY names the server: straight to kubernetes.default, which resolves nowhere here
      process.env.NO_PROXY = '.default';
      const direct = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig('env-no-proxy', undefined) }), { attempts: 1, baseMs: 1, maxMs: 1 });
      try {
        await expect(direct.call({ method: 'GET', path: '/api/v1/namespaces/default' })).rejects.toThrow();
      } finally {
        direct.close();
      }
      expect(tunnels.length).toBe(before + 1);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('a proxy that refuses the password fails the call, and the password is scrubbed', async () => {
    const wrong = 'wr0ng-Pr0xy-S3cret';
    const before = tunnels.length;
    const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfig('wrong-password', wrong) }), { attempts: 1, baseMs: 1, maxMs: 1 });
    try {
      const error = await client.call({ method: 'GET', path: '/api/v1/namespaces/default' }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(String(error?.message)).not.toContain(wrong);
      expect(scrubText(`proxy said ${wrong} and ${encodeURIComponent(wrong)}`)).not.toContain(wrong);
    } finally {
      client.close();
    }
    expect(tunnels.length).toBe(before);
  });
});
