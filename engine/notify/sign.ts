import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature of a webhook body (GitHub's scheme: `sha256=` + hex HMAC). */
export const SIGNATURE_HEADER = 'x-plumb-signature-256';
/** The header that carries the delivery's idempotency key (receivers drop a key they have seen). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes under secret>`. */
export function signatureOf(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers (and tests): does `header` sign `body` under `secret`? Constant-time. */
export function verifySignature(secret: string, body: string | Uint8Array, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signatureOf(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}
