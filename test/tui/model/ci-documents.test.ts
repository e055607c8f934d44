import { afterEach, describe, expect, it } from 'vitest';
import { plan } from '../../../engine/index.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { ciDocuments } from '../../../engine/plan/ci-documents.js';
import { RenderCache } from '../../../engine/render/render-stage.js';
import { makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { fixture } from '../../helpers/run-cli.js';
import { describeWithTools } from '../../tools/render-tools.js';
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

/** The plaintexts of the render-sops fixture's encrypted files. */
const SOPS_PLAINTEXTS = ['s3cr3t-cache-pass', 'tok-9f8e7d6c5b4a', 'pa55word-in-dsn'];

describeWithTools('ciDocuments over SOPS-decrypted CIs', ['kustomize', 'helm', 'sops'], () => {
  it('writes every value SOPS decrypted as (sensitive), in any kind, the rest of the document readable', async () => {
    const shop = fixtureTree(fixture('render-shop'));
    const sops = Object.entries(fixtureTree(fixture('render-sops'))).filter(([p]) => p.startsWith('inventory/'));
    const dir = makeGitRepo({ ...shop, ...Object.fromEntries(sops) }, { message: 'shop with secrets' });
    remove = async () => removeGitRepo(dir);
    const env = { ...process.env, SOPS_AGE_KEY_FILE: `${fixture('render-sops')}/age-key.txt` };
    const repo = await loadRepository({ repo: dir, env, renderCache: new RenderCache() });
    expect(repo.diagnostics).toEqual([]);
    const docs = ciDocuments([{ name: 'shop', provider: 'kubernetes', desired: repo.cis, observed: [] }], repo.schemas);
    const byId = new Map(docs.map((d) => [d.id, d]));
    // a ConfigMap is no Secret: only its decrypted fields are hidden
    expect(byId.get('configmap:shop/web-dsn')!.desired!.data).toEqual({ DSN: '(sensitive)', POOL: '(sensitive)' });
    expect(byId.get('secret:shop/cache-auth')!.desired!.stringData).toEqual({ password: '(sensitive)' });
    expect(byId.get('secret:shop/web-api-key')!.desired!.stringData).toEqual({ token: '(sensitive)' });
    expect(byId.get('configmap:shop/web-dsn')!.desired!.metadata).toMatchObject({ name: 'web-dsn', namespace: 'shop' });
    const text = JSON.stringify(docs);
    for (const plaintext of SOPS_PLAINTEXTS) expect(text).not.toContain(plaintext);
  }, 180_000);
});
