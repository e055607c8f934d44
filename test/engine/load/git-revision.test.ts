import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../../../engine/load/load-repository.js';
import type { LoadedRepository } from '../../../engine/load/types.js';
import { branch, commit, git, head, makeGitRepo, remove, removeGitRepo, rename, tag, writeFiles } from '../../helpers/git-repo.js';

const host = (name: string) => `apiVersion: plumb.io/v1\nkind: Host\nmetadata:\n  name: ${name}\n`;

/** What a revision holds, as the loader saw it. */
function summary(loaded: LoadedRepository) {
  return {
    revision: loaded.revision,
    cis: loaded.cis.map((ci) => `${ci.id} @ ${ci.origin.file}:${ci.origin.line}`),
    files: [...loaded.files.keys()],
    diagnostics: loaded.diagnostics,
  };
}

describe.each(['native', 'isomorphic'] as const)('reading a git revision with the %s reader', (gitReader) => {
  let dir: string;
  let v1: string;
  let v2: string;
  let feature: string;

  beforeAll(() => {
    dir = makeGitRepo({ 'inventory/a.yaml': host('a'), 'inventory/b.yaml': host('b') }, { message: 'a and b' });
    v1 = head(dir);
    tag(dir, 'v1');
    tag(dir, 'v1-annotated', { message: 'release 1' });
    branch(dir, 'feature', { checkout: true });
    feature = commit(dir, { 'plumb.yaml': 'inventory: ["cis/**/*.yaml"]\n', 'cis/d.yaml': host('d') }, 'move the inventory');
    git(dir, 'checkout', '--quiet', 'main');
    rename(dir, 'inventory/b.yaml', 'inventory/moved/b.yaml');
    remove(dir, ['inventory/a.yaml']);
    v2 = commit(dir, { 'inventory/c.yaml': host('c') }, 'add c');
    // uncommitted work-tree changes that no revision holds
    writeFiles(dir, { 'inventory/c.yaml': host('c-edited'), 'inventory/untracked.yaml': host('untracked') });
  });
  afterAll(() => removeGitRepo(dir));

  const load = (rev: string) => loadRepository({ repo: dir, rev, gitReader });

  it('reads exactly the files of a tag, including files deleted or renamed since', async () => {
    expect(summary(await load('v1'))).toEqual({
      revision: v1,
      cis: ['host:default/a @ inventory/a.yaml:1', 'host:default/b @ inventory/b.yaml:1'],
      files: ['inventory/a.yaml', 'inventory/b.yaml'],
      diagnostics: [],
    });
  });

  it('peels an annotated tag and expands an abbreviated sha to the same commit', async () => {
    expect(summary(await load('v1-annotated'))).toEqual(summary(await load('v1')));
    expect(summary(await load(v1.slice(0, 10)))).toEqual(summary(await load('v1')));
  });

  it('reads a branch tip, ignoring uncommitted and untracked work-tree files', async () => {
    expect(summary(await load('main'))).toEqual({
      revision: v2,
      cis: ['host:default/c @ inventory/c.yaml:1', 'host:default/b @ inventory/moved/b.yaml:1'],
      files: ['inventory/c.yaml', 'inventory/moved/b.yaml'],
      diagnostics: [],
    });
  });

  it('takes plumb.yaml from the revision it reads', async () => {
    const loaded = await load('feature');
    expect(summary(loaded)).toEqual({
      revision: feature,
      cis: ['host:default/d @ cis/d.yaml:1'],
      files: ['cis/d.yaml', 'plumb.yaml'],
      diagnostics: [],
    });
    expect(loaded.config.inventory).toEqual(['cis/**/*.yaml']);
  });

  it('gives each file its git blob id, the same one the work tree loader computes', async () => {
    const fromRev = await load('main');
    const fromWorkTree = await loadRepository({ repo: dir });
    expect(fromRev.files.get('inventory/moved/b.yaml')).toBe(git(dir, 'rev-parse', 'main:inventory/moved/b.yaml'));
    expect(fromWorkTree.files.get('inventory/moved/b.yaml')).toBe(fromRev.files.get('inventory/moved/b.yaml'));
    expect(fromWorkTree.files.get('inventory/c.yaml')).toBe(git(dir, 'hash-object', 'inventory/c.yaml'));
  });

  it('refuses an unknown revision with git.unknown-rev', async () => {
    await expect(load('no-such-branch')).rejects.toMatchObject({ code: 'git.unknown-rev', hint: expect.any(String) });
  });

  it('refuses --rev outside a git repository with git.not-a-repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'plumb-plain-'));
    await expect(loadRepository({ repo: plain, rev: 'main', gitReader })).rejects.toMatchObject({ code: 'git.not-a-repository' });
    removeGitRepo(plain);
  });

  it('reads a plumb repository kept in a subdirectory of the git repository', async () => {
    const mono = makeGitRepo({
      'infra/plumb.yaml': 'schemas: kinds\n',
      'infra/inventory/x.yaml': host('x'),
      'inventory/outside.yaml': host('outside'),
    });
    const loaded = await loadRepository({ repo: join(mono, 'infra'), rev: 'main', gitReader });
    expect(summary(loaded)).toEqual({
      revision: head(mono),
      cis: ['host:default/x @ inventory/x.yaml:1'],
      files: ['inventory/x.yaml', 'plumb.yaml'],
      diagnostics: [],
    });
    removeGitRepo(mono);
  });

  it('skips symbolic links stored in a revision, with a warning', async () => {
    const linked = makeGitRepo({ 'inventory/real.yaml': host('real') });
    symlinkSync('real.yaml', join(linked, 'inventory/link.yaml'));
    commit(linked, {}, 'add a link');
    const loaded = await loadRepository({ repo: linked, rev: 'main', gitReader });
    expect({ cis: summary(loaded).cis, diagnostics: loaded.diagnostics }).toEqual({
      cis: ['host:default/real @ inventory/real.yaml:1'],
      diagnostics: [
        {
          severity: 'warning',
          code: 'load.symlink-skipped',
          message: 'symbolic link skipped: links are not followed when reading a git revision',
          hint: 'commit the file itself instead of a link to it',
          file: 'inventory/link.yaml',
        },
      ],
    });
    removeGitRepo(linked);
  });
});
