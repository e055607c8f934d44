import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a GitHub-style webhook signature: `X-Hub-Signature-256: sha256=HEX`,
 * the HMAC-SHA256 of the raw request body under the shared secret. The
 * comparison is constant-time, so a caller cannot learn the signature byte by
 * byte from response times. A missing or malformed header is a mismatch.
 */
export function verifyWebhookSignature(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The header value a sender puts on `body` (tests, and documentation of the format). */
export function signWebhookBody(secret: string, body: Uint8Array | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}
