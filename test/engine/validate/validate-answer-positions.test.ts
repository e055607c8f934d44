import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { resetContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { validate } from '../../../engine/operations/validate.js';
import { copyExample, GIT_IDENTITY } from '../../helpers/example-copy.js';
import { privateCacheEach, withCache } from '../../helpers/private-cache.js';

/**
 * A revision's file text is read again for positions from the content cache or with `git cat-file`
 * (load-repository.ts, readTextAgain); on a machine without git a position falls back to the document's start. That
 * place is this run's, not the files': a validate answer kept with it (engine/operations/validate-answer.ts) would
 * answer a later run — with git, or in the work tree holding the same blobs — with the wrong line.
 */
const noGit = vi.hoisted(() => ({ on: false }));
vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:child_process')>();
  return {
    ...actual,
    execFileSync: ((file: string, args?: readonly string[], options?: object) => {
      // no git on PATH: the spawn fails as execFileSync's ENOENT does
      if (noGit.on && file === 'git' && args?.includes('cat-file')) throw Object.assign(new Error('spawnSync git ENOENT'), { code: 'ENOENT' });
      return actual.execFileSync(file, args as string[], options as never);
    }) as typeof actual.execFileSync,
  };
});

const { temp } = privateCacheEach('plumb-answer-pos-cache-');

const AFTER = new Date('2026-06-01T00:00:00Z');

async function expired(repo: string, options: { rev?: string; cache: boolean }) {
  return withCache(options.cache, async () => {
    const r = await validate({ repo, cwd: repo, now: AFTER, ...(options.rev ? { rev: options.rev } : {}) });
    const d = r.diagnostics.find((x) => x.code === 'policy.exception-expired');
    return { fromCache: r.fromCache, at: d && { file: d.file, line: d.line, column: d.column } };
  });
}

describe('validate answer: positions this run could not read', () => {
  it('an expired exception placed at its document start for want of git is not kept for a run that can place it', async () => {
    const repo = copyExample(temp('plumb-answer-pos-'), { git: true });
    const file = join(repo, 'policies/exceptions.yaml');
    appendFileSync(
      file,
      '---\napiVersion: plumb.io/v1\nkind: PolicyException\nmetadata:\n  name: digests-later\nspec:\n  policies: [image-pinned-by-digest]\n  reason: pinned in the next release\n  expires: "2026-01-01"\n',
    );
    execFileSync('git', ['commit', '-qam', 'an exception that has expired'], { cwd: repo, env: { ...process.env, ...GIT_IDENTITY } });
    const lines = readFileSync(file, 'utf8').split('\n');
    const right = { file: 'policies/exceptions.yaml', line: lines.indexOf('  expires: "2026-01-01"') + 1, column: 12 };
    // a work-tree load keeps each file's parse but not its text (the work tree holds it)
    process.env.PLUMB_CACHE = 'on';
    resetContentCache();
    await loadRepository({ repo, cwd: repo });
    // the revision, on a machine without git: parses from the cache, no text to place the warning with
    noGit.on = true;
    try {
      const blind = await expired(repo, { rev: 'HEAD', cache: true });
      expect(blind.at).toBeDefined();
      expect(blind.at!.line).toBeLessThan(right.line);
    } finally {
      noGit.on = false;
    }
    // the same blobs in the work tree, and the revision again with git: the right place, as without the cache
    expect((await expired(repo, { cache: false })).at).toEqual(right);
    expect((await expired(repo, { cache: true })).at).toEqual(right);
    expect((await expired(repo, { rev: 'HEAD', cache: true })).at).toEqual(right);
  });

  it("a check's finding placed at its document start for want of git is not kept for a run that can place it", async () => {
    const repo = copyExample(temp('plumb-answer-pos-check-'), { git: true });
    writeFileSync(
      join(repo, 'inventory/k8s/bad.yaml'),
      '# a finding\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  namespace: shop\ndata:\n  a: 2\n',
    );
    // and one of the checks across CIs (the graph index keeps theirs)
    const twice = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: shop\n  name: twice\n';
    writeFileSync(join(repo, 'inventory/k8s/twice.yaml'), `# the same ConfigMap twice\n${twice}---\n${twice}`);
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['commit', '-qm', 'a ConfigMap value that is not a string'], { cwd: repo, env: { ...process.env, ...GIT_IDENTITY } });
    const right = [
      { code: 'k8s.type-invalid', file: 'inventory/k8s/bad.yaml', line: 8, column: 6 },
      { code: 'ci.duplicate', file: 'inventory/k8s/twice.yaml', line: 12, column: 9 },
    ];
    const placed = (options: { rev?: string; cache: boolean }) =>
      withCache(options.cache, async () => {
        const r = await validate({ repo, cwd: repo, now: AFTER, ...(options.rev ? { rev: options.rev } : {}) });
        return r.diagnostics
          .filter((x) => x.file === 'inventory/k8s/bad.yaml' || x.file === 'inventory/k8s/twice.yaml')
          .map((d) => ({ code: d.code, file: d.file, line: d.line, column: d.column }));
      });
    process.env.PLUMB_CACHE = 'on';
    resetContentCache();
    await loadRepository({ repo, cwd: repo });
    noGit.on = true;
    try {
      const blind = await placed({ rev: 'HEAD', cache: true });
      expect(blind.map((d) => d.code)).toEqual(right.map((d) => d.code));
      blind.forEach((d, i) => expect(d.line).toBeLessThan(right[i].line));
    } finally {
      noGit.on = false;
    }
    expect(await placed({ cache: false })).toEqual(right);
    expect(await placed({ cache: true })).toEqual(right);
    expect(await placed({ rev: 'HEAD', cache: true })).toEqual(right);
  });
});
