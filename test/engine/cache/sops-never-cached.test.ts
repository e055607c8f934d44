import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { RenderCache } from '../../../engine/render/render-stage.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { fixture } from '../../helpers/run-cli.js';
import { describeWithTools } from '../../tools/render-tools.js';

/** The plaintext values the encrypted fixtures hold. */
const PLAINTEXTS = ['s3cr3t-cache-pass', 'tok-9f8e7d6c5b4a', 'pa55word-in-dsn'];
const KEY_FILE = `${fixture('render-sops')}/age-key.txt`;

function sopsShop(): Record<string, string> {
  const extra = Object.entries(fixtureTree(fixture('render-sops'))).filter(([p]) => p.startsWith('inventory/'));
  return { ...fixtureTree(fixture('render-shop')), ...Object.fromEntries(extra) };
}

describeWithTools('the content cache and SOPS', ['kustomize', 'helm', 'sops'], () => {
  let repo: string;
  let dir: string;
  beforeAll(() => {
    repo = makeGitRepo(sopsShop(), { message: 'shop with secrets' });
    dir = mkdtempSync(join(tmpdir(), 'plumb-cache-sops-'));
  });
  afterAll(() => {
    removeGitRepo(repo);
    rmSync(dir, { recursive: true, force: true });
  });

  it('never stores a decrypted file or a unit rendered from one; the rest is stored and served to the next process', async () => {
    const env = { ...process.env, SOPS_AGE_KEY_FILE: KEY_FILE };
    for (const rev of [undefined, 'HEAD']) {
      const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: dir }));
      const first = await loadRepository({ repo, rev, env, renderCache: new RenderCache(), contentCache: cache });
      expect(first.diagnostics).toEqual([]);
      expect(first.cis.find((c) => c.id === 'secret:shop/cache-auth')?.object).toMatchObject({ stringData: { password: 's3cr3t-cache-pass' } });
      // a fresh process: memory empty, the disk as the first left it
      const second = await loadRepository({ repo, rev, env, renderCache: new RenderCache(), contentCache: new ContentCache(cache.settings) });
      expect(second.cis).toEqual(first.cis);
      expect(second.renders?.map((u) => [u.id, u.status])).toEqual([
        // the prod overlay has a SOPS-encrypted input: rendered again, never read from disk
        ['kustomize:inventory/apps/web/overlays/prod', 'rendered'],
        ['kustomize:inventory/apps/web/overlays/staging', 'cached'],
        ['helm:inventory/charts/cache#cache', 'cached'],
      ]);
    }
    const files = (readdirSync(join(dir, 'content'), { recursive: true }) as string[]).map((p) => join(dir, 'content', p)).filter((p) => statSync(p).isFile());
    expect(files.filter((p) => p.includes('/render/')).length).toBe(2);
    expect(files.filter((p) => p.includes('/parse/')).length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(file);
      // v8.serialize writes one-byte strings as Latin-1 and others as UTF-16: look for both forms
      for (const secret of PLAINTEXTS) {
        expect(bytes.includes(Buffer.from(secret, 'latin1')), `${secret} in ${file}`).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${secret} in ${file}`).toBe(false);
      }
      expect(bytes.includes(Buffer.from('ENC[AES256_GCM', 'latin1')), `ciphertext in ${file}`).toBe(false);
    }
  }, 180_000);
});
