import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import type { SourceFile } from '../../../engine/load/file-source.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { RACY_MS, WorktreeManifest } from '../../../engine/load/worktree-manifest.js';
import { openWorktreeSource } from '../../../engine/load/worktree-source.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-manifest-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: join(dir, 'cache') }));
const file = (path: string, fingerprint: string, changedMs: number): SourceFile => ({ path, size: 1, stat: { fingerprint, changedMs } });

describe('the work-tree stat manifest', () => {
  it('vouches for a blob only when the stamp is the one hashed and the file had settled before that manifest was taken', () => {
    const t = 1_000_000_000_000;
    const first = new WorktreeManifest(open(), dir);
    first.listing(t);
    expect(first.blobOf(file('a.yaml', 'fp1', t - 10_000))).toBeUndefined(); // nothing recorded yet
    first.save([file('a.yaml', 'fp1', t - 10_000), file('racy.yaml', 'fp2', t - RACY_MS / 2), file('unread.yaml', 'fp3', t - 10_000)], (p) =>
      p === 'unread.yaml' ? undefined : `blob-${p}`,
    );
    open().flush();

    const second = new WorktreeManifest(open(), dir);
    expect(second.blobOf(file('a.yaml', 'fp1', t - 10_000))).toBe('blob-a.yaml');
    // any change of the stamp (content, inode, ctime…) is a miss; so is a file changed within RACY_MS of the listing (same timestamp tick)
    expect(second.blobOf(file('a.yaml', 'fp1-changed', t - 10_000))).toBeUndefined();
    expect(second.blobOf(file('racy.yaml', 'fp2', t - RACY_MS / 2))).toBeUndefined();
    // a file never loaded is never vouched for; nor one without a stamp (a Git revision's)
    expect(second.blobOf(file('unread.yaml', 'fp3', t - 10_000))).toBeUndefined();
    expect(second.blobOf({ path: 'a.yaml' })).toBeUndefined();
    // the racy file settles: the next manifest, taken later, vouches for it
    second.listing(t + 60_000);
    second.save([file('a.yaml', 'fp1', t - 10_000), file('racy.yaml', 'fp2', t - RACY_MS / 2)], (p) => `blob-${p}`);
    expect(new WorktreeManifest(open(), dir).blobOf(file('racy.yaml', 'fp2', t - RACY_MS / 2))).toBe('blob-racy.yaml');
  });

  it('a manifest under another key (planted in a shared cache directory) vouches for nothing', () => {
    const planter = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: join(dir, 'cache') }), undefined, Buffer.alloc(32, 7));
    const planted = new WorktreeManifest(planter, dir);
    planted.listing(Date.now());
    planted.save([file('a.yaml', 'fp1', 0)], () => 'forged-blob');
    expect(new WorktreeManifest(open(), dir).blobOf(file('a.yaml', 'fp1', 0))).toBeUndefined();
  });

  it('the work tree stamps files by device, inode, mode, size, mtime and ctime in nanoseconds', async () => {
    writeFileSync(join(dir, 'a.yaml'), 'x: 1\n');
    const source = await openWorktreeSource(dir);
    const [listed] = (await source.list([''])).files;
    const st = statSync(join(dir, 'a.yaml'), { bigint: true });
    expect(listed.stat).toEqual({
      fingerprint: `${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`,
      changedMs: Number(st.ctimeNs / 1_000_000n),
    });
    // the same size and mtime written back: ctime (no user can set it) still tells
    writeFileSync(join(dir, 'a.yaml'), 'x: 2\n');
    utimesSync(join(dir, 'a.yaml'), st.atime, st.mtime);
    const [again] = (await source.list([''])).files;
    expect(again.stat?.fingerprint).not.toBe(listed.stat?.fingerprint);
  });

  it('through the loader: an edit that keeps size and mtime is seen, and a settled work tree loads as an uncached one', async () => {
    const ci = (version: string) => `apiVersion: plumb.io/v1\nkind: Application\nmetadata:\n  name: a\n  namespace: shop\nspec:\n  version: "${version}"\n`;
    const repo = makeGitRepo({
      'plumb.yaml': 'inventory: [inventory/**/*.yaml]\n',
      'inventory/a.yaml': ci('1.0'),
      'inventory/b.yaml': ci('1.0').replace('name: a', 'name: b'),
    });
    try {
      // let the files settle past the racy window, so the manifest vouches for them
      await new Promise((r) => setTimeout(r, RACY_MS + 200));
      const strip = (r: Awaited<ReturnType<typeof loadRepository>>) => ({
        cis: r.cis,
        files: r.files,
        diagnostics: validateRepository(r, { contentCache: false }).diagnostics,
      });
      const uncached = strip(await loadRepository({ repo, contentCache: false }));
      expect(strip(await loadRepository({ repo, contentCache: open() }))).toEqual(uncached);
      expect(strip(await loadRepository({ repo, contentCache: open() }))).toEqual(uncached);
      const path = join(repo, 'inventory/a.yaml');
      const before = statSync(path);
      writeFileSync(path, ci('2.0'));
      utimesSync(path, before.atime, before.mtime);
      expect(readFileSync(path, 'utf8')).toContain('2.0');
      const edited = await loadRepository({ repo, contentCache: open() });
      expect(edited.cis.find((c) => c.name === 'a')?.object).toMatchObject({ spec: { version: '2.0' } });
      expect(strip(edited)).toEqual(strip(await loadRepository({ repo, contentCache: false })));
    } finally {
      removeGitRepo(repo);
    }
  }, 20_000);
});
