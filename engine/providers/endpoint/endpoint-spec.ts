import { isIP } from 'node:net';
import { MAX_TIMER_MS } from '../../model/duration.js';
import type { CI } from '../../model/ci.js';
import type { Diagnostic } from '../../model/diagnostic.js';

export type ProbeProtocol = 'http' | 'https' | 'tcp';

/** What one Endpoint CI asks to be probed, with the defaults filled in. */
export interface ProbeTarget {
  readonly id: string;
  readonly url: URL;
  readonly protocol: ProbeProtocol;
  /** Host name or address to connect to, without IPv6 brackets. */
  readonly host: string;
  readonly port: number;
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** The one status that counts as up; absent: any 2xx or 3xx (redirects are answers, never followed). */
  readonly expectStatus?: number;
  readonly timeoutMs: number;
  readonly tlsExpiryWarningDays?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_PORTS: Readonly<Record<ProbeProtocol, number | undefined>> = { http: 80, https: 443, tcp: undefined };

/**
 * Reads an Endpoint CI's spec into a probe target. `protocol` defaults to the
 * URL's scheme (`http:`, `https:`, `tcp:`). A URL that cannot be probed is a
 * configuration error (validation normally catches it first), not an
 * observation: the CI is not probed and an `endpoint.bad-spec` error says why.
 */
export function probeTargetOf(ci: CI): { target?: ProbeTarget; diagnostics: Diagnostic[] } {
  const spec = (ci.object.spec ?? {}) as Record<string, unknown>;
  const bad = (message: string): { diagnostics: Diagnostic[] } => ({
    diagnostics: [
      {
        severity: 'error',
        code: 'endpoint.bad-spec',
        message: `${ci.id}: ${message}`,
        ci: ci.id,
        file: ci.origin.file,
        line: ci.origin.line,
        column: ci.origin.column,
        hint: 'give spec.url as http(s)://host[:port]/path or tcp://host:port',
      },
    ],
  });
  let url: URL;
  try {
    url = new URL(String(spec.url));
  } catch {
    return bad('spec.url is not a url');
  }
  const scheme = url.protocol.replace(/:$/, '');
  const protocol = (spec.protocol ?? scheme) as ProbeProtocol;
  if (protocol !== 'http' && protocol !== 'https' && protocol !== 'tcp') return bad(`cannot probe protocol ${JSON.stringify(protocol)}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) return bad('spec.url names no host');
  const port = url.port ? Number(url.port) : (DEFAULT_PORTS[scheme as ProbeProtocol] ?? DEFAULT_PORTS[protocol]);
  if (port === undefined) return bad('a tcp endpoint needs a port, e.g. tcp://db.example.com:5432');
  const method = spec.method === 'HEAD' || spec.method === 'POST' ? spec.method : 'GET';
  if (spec.timeoutMs !== undefined && (typeof spec.timeoutMs !== 'number' || !(spec.timeoutMs >= 1 && spec.timeoutMs <= MAX_TIMER_MS))) {
    return bad(`spec.timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  }
  const target: ProbeTarget = {
    id: ci.id,
    url,
    protocol,
    host,
    port,
    method,
    timeoutMs: typeof spec.timeoutMs === 'number' ? spec.timeoutMs : DEFAULT_TIMEOUT_MS,
    ...(typeof spec.expectStatus === 'number' ? { expectStatus: spec.expectStatus } : {}),
    ...(typeof spec.tlsExpiryWarningDays === 'number' ? { tlsExpiryWarningDays: spec.tlsExpiryWarningDays } : {}),
  };
  return { target, diagnostics: [] };
}

/** SNI must not carry an IP address. */
export function serverNameOf(host: string): string | undefined {
  return isIP(host) === 0 ? host : undefined;
}
