import { request, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import { deadline } from './deadline.js';
import { reachPolicy } from '../../network/reach-policy.js';
import { serverNameOf, type ProbeTarget } from './endpoint-spec.js';
import { certificateStatus, describeProbeError, type CertificateStatus, type ProbeStatus } from './probe-status.js';

export interface ProbeOptions {
  /** Extra trusted CA certificates (PEM), e.g. an internal CA. The system store is used as well. */
  readonly ca?: readonly string[];
  /** The clock for certificate days left. */
  readonly now?: () => Date;
}

/**
 * Probes one endpoint within its `timeoutMs`: a TCP connect for `tcp`; for
 * `https` a TLS handshake whose certificate is read (days left) and verified
 * before any request is sent — an unverified server gets no request; for
 * `http`/`https` one request on that connection, no redirects followed, no
 * body read. Never throws: every failure is `up: false` with `error`.
 */
export async function probeEndpoint(target: ProbeTarget, signal: AbortSignal, options: ProbeOptions = {}): Promise<ProbeStatus> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const budget = deadline(signal, target.timeoutMs);
  let socket: Socket | undefined;
  let certificate: CertificateStatus | undefined;
  const down = (error: string, extra: { statusCode?: number } = {}): ProbeStatus => ({
    up: false,
    latencyMs: elapsed(),
    ...extra,
    error,
    ...(certificate ? { certificate } : {}),
  });
  try {
    const tls = target.protocol === 'https';
    socket = await connectSocket(target, tls, budget.signal, options.ca);
    if (tls) {
      const secure = socket as TLSSocket;
      const peer = secure.getPeerX509Certificate();
      if (peer) certificate = certificateStatus(new Date(peer.validTo), (options.now ?? (() => new Date()))(), target.tlsExpiryWarningDays);
      if (!secure.authorized) return down(`tls: ${String(secure.authorizationError ?? 'certificate not trusted')}`);
    }
    if (target.protocol === 'tcp') return { up: true, latencyMs: elapsed() };
    const response = await sendRequest(target, socket, budget.signal);
    const statusCode = response.statusCode ?? 0;
    const latencyMs = elapsed();
    response.destroy();
    const expected = target.expectStatus === undefined ? statusCode >= 200 && statusCode < 400 : statusCode === target.expectStatus;
    if (!expected) return down(`unexpected status ${statusCode}`, { statusCode });
    return { up: true, latencyMs, statusCode, ...(certificate ? { certificate } : {}) };
  } catch (e) {
    if (budget.timedOut()) return down(`timed out after ${target.timeoutMs} ms`);
    if (signal.aborted) return down('probe aborted');
    return down(describeProbeError(e));
  } finally {
    budget.clear();
    socket?.destroy();
  }
}

/** Resolves once connected (and, for TLS, once the handshake is done — trusted or not). */
function connectSocket(target: ProbeTarget, tls: boolean, signal: AbortSignal, ca: readonly string[] | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    // Endpoint CIs come from Git: where they may make plumb connect is governed (engine/network/reach-policy.ts)
    const reach = reachPolicy();
    try {
      reach.assertLiteral(target.host);
    } catch (e) {
      return reject(e);
    }
    const lookup = reach.lookup();
    const socket = tls
      ? tlsConnect({
          host: target.host,
          port: target.port,
          servername: serverNameOf(target.host),
          ALPNProtocols: ['http/1.1'],
          lookup,
          // Verified by hand below, so that the certificate can still be reported when it is not trusted.
          rejectUnauthorized: false,
          ...(ca && ca.length > 0 ? { ca: [...ca, ...rootCertificates] } /* `ca` replaces the default store: keep it */ : {}),
        })
      : netConnect({ host: target.host, port: target.port, lookup });
    const onAbort = (): void => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
  });
}

/** One request on the connected socket; resolves on the response headers. */
function sendRequest(target: ProbeTarget, socket: Socket, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({
      method: target.method,
      host: target.host,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      headers: { host: target.url.host, 'user-agent': 'plumb-endpoint-probe', ...(target.method === 'POST' ? { 'content-length': '0' } : {}) },
      createConnection: () => socket,
      signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}
