import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { reachPolicy } from '../network/reach-policy.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signatureOf } from './sign.js';
import { scrubText } from '../redact/scrubber.js';

export interface WebhookOptions {
  /** Signs the body (SIGNATURE_HEADER) when given. */
  readonly secret?: string;
  readonly timeoutMs: number;
  /** Sent as IDEMPOTENCY_HEADER. */
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

export type WebhookResult =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      readonly status?: number;
      /** Worth trying again later: network errors, timeouts, 408, 425, 429 and 5xx. Other answers will not change. */
      readonly retryable: boolean;
      /** Lowercase, never the URL (webhook URLs often embed a token) nor the body. */
      readonly error: string;
      /** From a Retry-After header in seconds or as a date. */
      readonly retryAfterMs?: number;
    };

const RETRYABLE_STATUS = new Set([408, 425, 429]);

/**
 * POSTs `payload` as JSON to `url` within `timeoutMs`. Redirects are not
 * followed (a redirect is an answer to fix, not a delivery). Never throws:
 * the result says whether it was delivered (2xx) and, if not, whether a retry
 * can help.
 */
export async function sendWebhook(url: string, payload: unknown, options: WebhookOptions): Promise<WebhookResult> {
  const body = scrubText(JSON.stringify(payload));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'plumb-notify',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (options.secret) headers[SIGNATURE_HEADER] = signatureOf(options.secret, body);
  if (options.idempotencyKey) headers[IDEMPOTENCY_HEADER] = options.idempotencyKey;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  // notification URLs come from Git: where they may make plumb connect is governed (engine/network/reach-policy.ts)
  const reach = reachPolicy();
  let status: number;
  let retryAfter: string | null = null;
  try {
    const target = new URL(url);
    reach.assertLiteral(target.hostname.replace(/^\[(.*)\]$/, '$1'));
    const response = await post(target, headers, body, signal, reach.lookup());
    status = response.status;
    retryAfter = response.retryAfter;
  } catch (e) {
    if (timeout.aborted) return { ok: false, retryable: true, error: `timed out after ${options.timeoutMs} ms` };
    if (options.signal?.aborted) return { ok: false, retryable: true, error: 'aborted' };
    const code = (e as { code?: unknown }).code;
    if (code === 'ENETREACH_DENIED' || code === 'network.denied')
      return { ok: false, retryable: false, error: 'refused by the network policy (see docs/security.md, "Network reach")' };
    return { ok: false, retryable: true, error: networkError(e) };
  }
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryAfterMs = retryAfterOf(retryAfter);
  return {
    ok: false,
    status,
    retryable: status >= 500 || RETRYABLE_STATUS.has(status),
    error: status >= 300 && status < 400 ? `redirected (${status}); webhooks are not redirected` : `receiver answered ${status}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** One POST over node:http(s) with a guarded DNS lookup; redirects are answers, not followed. The response body is discarded. */
function post(
  target: URL,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
  lookup: LookupFunction,
): Promise<{ status: number; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // agent: false — a fresh connection, so every delivery resolves (and checks) its address
    const req = send(target, { method: 'POST', headers, signal, lookup, agent: false }, (res) => {
      const header = res.headers['retry-after'];
      res.resume();
      resolve({ status: res.statusCode ?? 0, retryAfter: typeof header === 'string' ? header : null });
    });
    req.once('error', reject);
    req.end(body);
  });
}

function networkError(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown }; code?: unknown })?.cause ?? (e as { code?: unknown });
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns lookup failed';
  return code ? code.toLowerCase() : 'network error';
}

function retryAfterOf(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
