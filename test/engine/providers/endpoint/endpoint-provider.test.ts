import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpointProvider } from '../../../../engine/providers/endpoint/endpoint-provider.js';
import type { CI } from '../../../../engine/model/ci.js';
import { makeCI, signal } from '../make-ci.js';
import { httpServer, httpsServer, refusedPort, selfSigned, tcpAccepting, type Certificate, type RequestLog, type Running } from './servers.js';

function endpoint(name: string, spec: Record<string, unknown>): CI {
  return makeCI({ apiVersion: 'plumb.io/v1', kind: 'Endpoint', metadata: { name, namespace: 'shop' }, spec, source: { provider: 'endpoint' } });
}

/** The observed objects by id, with each latency replaced by `any number` (latencies are measured, not specified). */
function statusById(observed: readonly { id: string; object: Readonly<Record<string, unknown>> }[]) {
  return Object.fromEntries(observed.map((o) => [o.id, { ...(o.object.status as object), latencyMs: expect.any(Number) }]));
}

const dir = mkdtempSync(join(tmpdir(), 'plumb-endpoint-'));
const servers: Running[] = [];
let tcp: Running;
let refused: number;
let http: Running;
const httpLog: RequestLog = [];
let expiring: Certificate;
let https: Running;
const httpsLog: RequestLog = [];

beforeAll(async () => {
  tcp = await tcpAccepting();
  refused = await refusedPort();
  http = await httpServer(httpLog);
  expiring = selfSigned(dir, 10);
  https = await httpsServer(expiring, httpsLog);
  servers.push(tcp, http, https);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the endpoint provider', () => {
  it('observes each endpoint as its desired document plus the probe status', async () => {
    const cis = [
      endpoint('tcp-open', { url: `tcp://127.0.0.1:${tcp.port}`, protocol: 'tcp' }),
      endpoint('tcp-refused', { url: `tcp://127.0.0.1:${refused}`, protocol: 'tcp' }),
      endpoint('http-ok', { url: `http://127.0.0.1:${http.port}/ok`, expectStatus: 200 }),
      endpoint('http-500', { url: `http://127.0.0.1:${http.port}/fail`, protocol: 'http' }),
      endpoint('http-slow', { url: `http://127.0.0.1:${http.port}/slow`, timeoutMs: 300 }),
      endpoint('http-moved', { url: `http://127.0.0.1:${http.port}/moved`, expectStatus: 200 }),
    ];
    const answer = await createEndpointProvider().discover({ desired: cis }, signal());
    expect(answer.diagnostics).toEqual([]);
    expect(statusById(answer.observed)).toEqual({
      'endpoint:shop/tcp-open': { up: true, latencyMs: expect.any(Number) },
      'endpoint:shop/tcp-refused': { up: false, latencyMs: expect.any(Number), error: 'connection refused' },
      'endpoint:shop/http-ok': { up: true, latencyMs: expect.any(Number), statusCode: 200 },
      'endpoint:shop/http-500': { up: false, latencyMs: expect.any(Number), statusCode: 500, error: 'unexpected status 500' },
      'endpoint:shop/http-slow': { up: false, latencyMs: expect.any(Number), error: 'timed out after 300 ms' },
      'endpoint:shop/http-moved': { up: false, latencyMs: expect.any(Number), statusCode: 302, error: 'unexpected status 302' },
    });
    // The redirect was not followed: /ok was asked once, by http-ok.
    expect([...httpLog].sort()).toEqual(['GET /fail', 'GET /moved', 'GET /ok', 'GET /slow']);
  });

  it('keeps the desired document as the observed one, so a probe is never drift', async () => {
    const ci = endpoint('http-ok', { url: `http://127.0.0.1:${http.port}/ok`, method: 'HEAD' });
    const { observed } = await createEndpointProvider().discover({ desired: [ci] }, signal());
    expect(observed).toEqual([
      {
        id: 'endpoint:shop/http-ok',
        object: {
          apiVersion: 'plumb.io/v1',
          kind: 'Endpoint',
          metadata: { name: 'http-ok', namespace: 'shop' },
          spec: { url: `http://127.0.0.1:${http.port}/ok`, method: 'HEAD' },
          status: { up: true, latencyMs: expect.any(Number), statusCode: 200 },
        },
      },
    ]);
  });

  it('reports the days left on a trusted certificate and warns under tlsExpiryWarningDays', async () => {
    const ci = endpoint('tls', { url: `https://127.0.0.1:${https.port}/ok`, tlsExpiryWarningDays: 30 });
    // At the certificate's first second, a 10-day certificate has 10 whole days left.
    const provider = createEndpointProvider({ ca: [expiring.cert], now: () => expiring.notBefore });
    const answer = await provider.discover({ desired: [ci] }, signal());
    expect(statusById(answer.observed)).toEqual({
      'endpoint:shop/tls': {
        up: true,
        latencyMs: expect.any(Number),
        statusCode: 200,
        certificate: { notAfter: expiring.notAfter.toISOString(), daysLeft: 10, expiringSoon: true },
      },
    });
    expect(answer.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'endpoint.certificate-expiring',
        ci: 'endpoint:shop/tls',
        file: 'inventory/test.yaml',
        line: 1,
        column: 1,
        message: `the certificate of endpoint:shop/tls expires in 10 days (${expiring.notAfter.toISOString()})`,
        hint: 'renew the certificate',
      },
    ]);
  });

  it('does not warn while the certificate has more days left than tlsExpiryWarningDays', async () => {
    const ci = endpoint('tls', { url: `https://127.0.0.1:${https.port}/ok`, tlsExpiryWarningDays: 7 });
    const answer = await createEndpointProvider({ ca: [expiring.cert], now: () => expiring.notBefore }).discover({ desired: [ci] }, signal());
    expect(answer.diagnostics).toEqual([]);
    expect((answer.observed[0].object.status as { certificate: unknown }).certificate).toEqual({
      notAfter: expiring.notAfter.toISOString(),
      daysLeft: 10,
      expiringSoon: false,
    });
  });

  it('marks an untrusted certificate down, still reports its expiry, and sends that server no request', async () => {
    httpsLog.length = 0;
    const ci = endpoint('tls', { url: `https://127.0.0.1:${https.port}/ok` });
    const answer = await createEndpointProvider({ now: () => expiring.notBefore }).discover({ desired: [ci] }, signal());
    expect(statusById(answer.observed)).toEqual({
      'endpoint:shop/tls': {
        up: false,
        latencyMs: expect.any(Number),
        error: 'tls: DEPTH_ZERO_SELF_SIGNED_CERT',
        certificate: { notAfter: expiring.notAfter.toISOString(), daysLeft: 10, expiringSoon: false },
      },
    });
    expect(httpsLog).toEqual([]);
  });

  it('an expired certificate is down (the clock says so)', async () => {
    const ci = endpoint('tls', { url: `https://127.0.0.1:${https.port}/ok`, tlsExpiryWarningDays: 14 });
    const later = new Date(expiring.notAfter.getTime() + 2 * 86_400_000);
    const answer = await createEndpointProvider({ ca: [expiring.cert], now: () => later }).discover({ desired: [ci] }, signal());
    // The handshake is verified against the real clock (still valid), the days left against the injected one.
    expect((answer.observed[0].object.status as { certificate: unknown }).certificate).toEqual({
      notAfter: expiring.notAfter.toISOString(),
      daysLeft: -2,
      expiringSoon: true,
    });
  });

  it('probes at most `concurrency` endpoints at once', async () => {
    // In flight = requests received − answers sent; the server decides both, so the count has no race.
    let inFlight = 0;
    let most = 0;
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 20);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const cis = Array.from({ length: 6 }, (_, i) => endpoint(`slow-${i}`, { url: `http://127.0.0.1:${port}/` }));
      const { observed } = await createEndpointProvider({ concurrency: 2 }).discover({ desired: cis }, signal());
      expect(observed.map((o) => (o.object.status as { up: boolean }).up)).toEqual(Array(6).fill(true));
      expect(most).toBeLessThanOrEqual(2);
      expect(most).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('answers "probe aborted" for probes the caller aborts', async () => {
    const controller = new AbortController();
    const ci = endpoint('http-slow', { url: `http://127.0.0.1:${http.port}/slow`, timeoutMs: 30_000 });
    const pending = createEndpointProvider().discover({ desired: [ci] }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const { observed } = await pending;
    expect(statusById(observed)).toEqual({ 'endpoint:shop/http-slow': { up: false, latencyMs: expect.any(Number), error: 'probe aborted' } });
  });

  it('reports a spec it cannot probe as an error diagnostic and probes the rest', async () => {
    const cis = [endpoint('no-port', { url: 'tcp://127.0.0.1', protocol: 'tcp' }), endpoint('ok', { url: `tcp://127.0.0.1:${tcp.port}` })];
    const answer = await createEndpointProvider().discover({ desired: cis }, signal());
    expect(answer.observed.map((o) => o.id)).toEqual(['endpoint:shop/ok']);
    expect(answer.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'endpoint.bad-spec',
        ci: 'endpoint:shop/no-port',
        file: 'inventory/test.yaml',
        line: 1,
        column: 1,
        message: 'endpoint:shop/no-port: a tcp endpoint needs a port, e.g. tcp://db.example.com:5432',
        hint: 'give spec.url as http(s)://host[:port]/path or tcp://host:port',
      },
    ]);
  });

  it('probes only Endpoint CIs, and health probes the discovered ones again', async () => {
    const up = endpoint('up', { url: `tcp://127.0.0.1:${tcp.port}` });
    const down = endpoint('down', { url: `tcp://127.0.0.1:${refused}` });
    const host = makeCI({ apiVersion: 'plumb.io/v1', kind: 'Host', metadata: { name: 'h' }, spec: {}, source: { provider: 'endpoint' } });
    const provider = createEndpointProvider();
    expect(provider.readOnly).toBe(true);
    expect(provider.apply).toBeUndefined();
    expect(provider.restore).toBeUndefined();
    const { observed } = await provider.discover({ desired: [up, down, host] }, signal());
    expect(observed.map((o) => o.id)).toEqual(['endpoint:shop/up', 'endpoint:shop/down']);
    const health = await provider.health!({ ids: ['endpoint:shop/up', 'endpoint:shop/down', 'endpoint:shop/unknown'], timeoutMs: 1000 }, signal());
    expect(health).toEqual({
      diagnostics: [],
      results: [
        { id: 'endpoint:shop/up', healthy: true },
        { id: 'endpoint:shop/down', healthy: false, message: 'connection refused' },
        { id: 'endpoint:shop/unknown', healthy: false, message: 'not an endpoint this provider has discovered' },
      ],
    });
  });
});

describe('describeProbeError', () => {
  it('names network, dns and tls failures in a short phrase, never a stack', async () => {
    const { describeProbeError } = await import('../../../../engine/providers/endpoint/probe-status.js');
    const err = (code: string) => Object.assign(new Error(`getaddrinfo ${code} api.shop.example.com`), { code });
    expect(
      ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'CERT_HAS_EXPIRED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EWHATEVER'].map((c) =>
        describeProbeError(err(c)),
      ),
    ).toEqual([
      'connection refused',
      'dns: name not found',
      'dns: temporary failure',
      'connection reset',
      'tls: CERT_HAS_EXPIRED',
      'tls: ERR_SSL_WRONG_VERSION_NUMBER',
      'ewhatever',
    ]);
  });
});

describe('endpointProviderFromTarget', () => {
  it('reads concurrency and ca from the target, and refuses bad settings with provider.bad-setting', async () => {
    const { endpointProviderFromTarget } = await import('../../../../engine/providers/endpoint/from-target.js');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'ca.pem'), expiring.cert);
    const provider = endpointProviderFromTarget('probes', { provider: 'endpoint', concurrency: 4, ca: 'ca.pem' }, dir);
    const ci = endpoint('tls', { url: `https://127.0.0.1:${https.port}/ok` });
    const { observed } = await provider.discover({ desired: [ci] }, signal());
    expect((observed[0].object.status as { up: boolean }).up).toBe(true);
    expect(() => endpointProviderFromTarget('probes', { provider: 'endpoint', concurrency: 0 }, dir)).toThrow(
      expect.objectContaining({ code: 'provider.bad-setting' }),
    );
    expect(() => endpointProviderFromTarget('probes', { provider: 'endpoint', ca: 'missing.pem' }, dir)).toThrow(
      expect.objectContaining({ code: 'provider.bad-setting' }),
    );
  });

  it("reads a repository-relative ca on the loader's terms: a committed link to a FIFO, to /dev/zero or out of the repository is refused at once (a hostile review)", async () => {
    const { endpointProviderFromTarget } = await import('../../../../engine/providers/endpoint/from-target.js');
    const { execFileSync } = await import('node:child_process');
    const { mkdirSync, symlinkSync, writeFileSync } = await import('node:fs');
    const repo = join(dir, 'ca-repo');
    mkdirSync(repo);
    // plumb.yaml is Git content, and Git stores links: each was read by a plain readFileSync — the FIFO's open blocked
    // the plan for good, /dev/zero was read to 2 GiB, the outside file was read
    execFileSync('mkfifo', [join(repo, 'pipe')]);
    symlinkSync('pipe', join(repo, 'fifo.pem'));
    symlinkSync('/dev/zero', join(repo, 'zero.pem'));
    writeFileSync(join(dir, 'outside.pem'), expiring.cert);
    symlinkSync(join(dir, 'outside.pem'), join(repo, 'outside.pem'));
    for (const [ca, why] of [
      ['fifo.pem', 'a named pipe'],
      ['zero.pem', 'outside the repository'],
      ['outside.pem', 'outside the repository'],
      ['pipe', 'a named pipe'],
    ])
      expect(() => endpointProviderFromTarget('probes', { provider: 'endpoint', ca }, repo), ca).toThrow(
        expect.objectContaining({ code: 'provider.bad-setting', message: expect.stringContaining(why) }),
      );
    // an absolute path out of the repository (a system CA bundle) is read when it is a regular file, and only then
    expect(() => endpointProviderFromTarget('probes', { provider: 'endpoint', ca: join(dir, 'outside.pem') }, repo)).not.toThrow();
    expect(() => endpointProviderFromTarget('probes', { provider: 'endpoint', ca: join(repo, '..', 'ca-repo', 'pipe') }, dir)).toThrow(
      expect.objectContaining({ code: 'provider.bad-setting' }),
    );
    expect(() => endpointProviderFromTarget('probes', { provider: 'endpoint', ca: '/dev/zero' }, repo)).toThrow(
      expect.objectContaining({ code: 'provider.bad-setting', message: expect.stringContaining('not a regular file') }),
    );
  }, 20_000);
});
