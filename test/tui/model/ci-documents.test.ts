import { afterEach, describe, expect, it } from 'vitest';
import { plan } from '../../../engine/index.js';
import { browseFixture, NOW, OBSERVED_SECRET } from '../harness.js';

let remove: (() => Promise<void>) | undefined;
afterEach(async () => {
  await remove?.();
  remove = undefined;
});

describe('plan({ documents: true }): every CI with its desired and observed document, redacted', () => {
  it('pairs desired and observed by identity, keeps unmanaged and unchanged objects, and never carries a secret value', async () => {
    const repo = await browseFixture();
    remove = repo.remove;
    const result = await plan({ repo: repo.dir, now: NOW, documents: true });
    const docs = result.documents!;
    expect(docs.map((d) => `${d.id} ${d.desired ? 'D' : '-'}${d.observed ? 'O' : '-'}`)).toEqual([
      'application:shop/shop-api D-',
      'businessservice:shop/checkout DO',
      'configmap:shop/someone-elses-settings -O',
      'database:shop/legacy-db -O',
      'database:shop/orders-db DO',
      'host:shop/app-host DO',
      'host:shop/db-host DO',
      'secret:shop/db-credentials DO',
    ]);
    const secret = docs.find((d) => d.id === 'secret:shop/db-credentials')!;
    expect(secret).toMatchObject({ kind: 'Secret', namespace: 'shop', name: 'db-credentials', target: 'small' });
    expect(secret.desired!.data).toEqual({ password: '(sensitive)' });
    expect(secret.observed!.data).toEqual({ password: '(sensitive)' });
    const db = docs.find((d) => d.id === 'database:shop/orders-db')!;
    expect((db.desired!.spec as Record<string, unknown>).password).toBe('(sensitive)');
    expect((db.observed!.spec as Record<string, unknown>).password).toBe('(sensitive)');
    const text = JSON.stringify(docs);
    expect(text).not.toContain(OBSERVED_SECRET);
    expect(text).not.toContain('s3cr3t');
    // off by default: a plan never carries observed objects
    expect((await plan({ repo: repo.dir, now: NOW })).documents).toBeUndefined();
  });
});
