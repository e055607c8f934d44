/**
 * The observed `status` of an Endpoint: the outcome of one probe. A failed
 * probe is an observation, not an error — `up: false` and `error` say why.
 */
export interface ProbeStatus {
  readonly up: boolean;
  /** Connect (and TLS handshake) up to the response headers; up to the failure when down. */
  readonly latencyMs: number;
  readonly statusCode?: number;
  /** Why it is down, e.g. `connection refused`, `timed out after 2000 ms`, `tls: CERT_HAS_EXPIRED`, `unexpected status 500`. */
  readonly error?: string;
  readonly certificate?: CertificateStatus;
}

export interface CertificateStatus {
  /** ISO 8601. */
  readonly notAfter: string;
  /** Whole days left, rounded down; negative once expired. */
  readonly daysLeft: number;
  /** daysLeft is under the Endpoint's `tlsExpiryWarningDays`. */
  readonly expiringSoon: boolean;
}

const DAY_MS = 86_400_000;

export function certificateStatus(notAfter: Date, now: Date, warningDays: number | undefined): CertificateStatus {
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  return { notAfter: notAfter.toISOString(), daysLeft, expiringSoon: warningDays !== undefined && daysLeft < warningDays };
}

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'dns: name not found',
  EAI_AGAIN: 'dns: temporary failure',
  EPIPE: 'connection closed',
  ERR_INVALID_HTTP_RESPONSE: 'not an http response',
  HPE_INVALID_CONSTANT: 'not an http response',
};

/** One short lowercase phrase for a socket/TLS/HTTP error (never the request or a body). */
export function describeProbeError(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (code === 'ENETREACH_DENIED' || code === 'network.denied') return (error as Error).message;
    if (NETWORK_ERRORS[code]) return NETWORK_ERRORS[code];
    if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT')) return `tls: ${code}`;
    return code.toLowerCase();
  }
  return error instanceof Error ? error.message.toLowerCase() : String(error);
}
