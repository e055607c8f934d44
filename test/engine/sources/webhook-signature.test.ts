import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../../engine/sources/webhook-signature.js';

describe('webhook signature', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  it('accepts the GitHub X-Hub-Signature-256 of the body and refuses anything else', () => {
    const good = signWebhookBody('s3cret', body);
    expect({
      good: verifyWebhookSignature('s3cret', body, good),
      otherSecret: verifyWebhookSignature('other', body, good),
      otherBody: verifyWebhookSignature('s3cret', Buffer.from('{}'), good),
      missing: verifyWebhookSignature('s3cret', body, undefined),
      sha1: verifyWebhookSignature('s3cret', body, good.replace('sha256=', 'sha1=')),
      short: verifyWebhookSignature('s3cret', body, 'sha256=abcd'),
    }).toEqual({ good: true, otherSecret: false, otherBody: false, missing: false, sha1: false, short: false });
  });
});
