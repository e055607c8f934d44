import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { builtinSchemasDir } from '../../../engine/config/package-dir.js';
import { git, removeGitRepo, writeFiles } from '../../helpers/git-repo.js';
import { diffTrees } from '../../../engine/review/tree-diff.js';

const schemasRepo = {
  repo: 'test/fixtures/load-schemas/repo',
  builtinSchemasDir: 'test/fixtures/load-schemas/builtin',
};

describe('loading kind schemas', () => {
  it("takes built-in kind schemas, then the repository's own, which win; non-kind and nested files are not kinds", async () => {
    const loaded = await loadRepository(schemasRepo);
    expect([...loaded.schemas.values()]).toEqual([
      { kind: 'Database', schema: { title: 'builtin database' }, file: 'builtin:Database' },
      { kind: 'Host', schema: { title: 'repo host' }, file: 'kinds/Host.schema.json' },
      { kind: 'Widget', schema: { title: 'widget' }, file: 'kinds/Widget.schema.json' },
    ]);
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'load.schema-invalid',
        message: 'kind schema is not valid json',
        hint: 'fix the json of the schema file; the kind has no schema until then',
        file: 'kinds/Broken.schema.json',
        line: 3,
        column: 11,
      },
    ]);
  });

  it('finds the built-in schemas directory of the plumb package from its sources', () => {
    expect(builtinSchemasDir()).toBe(resolve('schemas'));
  });
});

describe('locating a JSON Pointer in a loaded document', () => {
  it('gives the line and column of the node, or of its nearest existing ancestor', async () => {
    const loaded = await loadRepository(schemasRepo);
    const [widget] = loaded.cis;
    const at = (pointer: string) => loaded.locate(widget.origin, pointer);
    expect(['', '/kind', '/metadata/labels/a', '/spec/parts/1/weight', '/spec/parts/7', '/spec/nothing/deeper'].map(at)).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 7 },
      { line: 6, column: 8 },
      { line: 11, column: 25 },
      { line: 10, column: 5 },
      { line: 8, column: 3 },
    ]);
  });
});

describe('reading the work tree', () => {
  it('a file or directory name that is not UTF-8 is load.not-utf8 at that path, and other such names are passed over', async () => {
    // Node decodes such a name with U+FFFD, which names no file: lstat threw ENOENT ('this is a bug in plumb')
    const repo = mkdtempSync(join(tmpdir(), 'plumb-names-'));
    writeFiles(repo, { 'inventory/h.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: h}\n' });
    const raw = (name: string) => Buffer.concat([Buffer.from(`${repo}/inventory/`), Buffer.from(name, 'latin1')]);
    writeFileSync(raw('web-\xff.yaml'), 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: w}\n');
    writeFileSync(raw('notes-\xfe.txt'), 'x');
    mkdirSync(raw('dir-\xfd'));

    const loaded = await loadRepository({ repo, contentCache: false });
    expect(loaded.cis.map((c) => c.id)).toEqual(['host:default/h']);
    expect(loaded.diagnostics.map((d) => [d.severity, d.code, d.file]).sort()).toEqual([
      ['error', 'load.not-utf8', 'inventory/dir-\uFFFD'],
      ['error', 'load.not-utf8', 'inventory/web-\uFFFD.yaml'],
    ]);
    expect(loaded.diagnostics.every((d) => d.hint?.startsWith('rename it with a UTF-8 name'))).toBe(true);
    removeGitRepo(repo);
  });

  it('a Git revision reports the same names as the work tree, with both readers: review and --rev agree with plan', async () => {
    // git's paths were decoded with U+FFFD and the blob read by its id: --rev and review loaded the file the work tree refuses
    const repo = mkdtempSync(join(tmpdir(), 'plumb-git-names-'));
    writeFiles(repo, { 'inventory/h.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: h}\n' });
    const raw = (name: string) => Buffer.concat([Buffer.from(`${repo}/inventory/`), Buffer.from(name, 'latin1')]);
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'base');
    const base = git(repo, 'rev-parse', 'HEAD').trim();
    writeFileSync(raw('web-\xff.yaml'), 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: w}\n');
    writeFileSync(raw('notes-\xfe.txt'), 'x');
    mkdirSync(raw('dir-\xfd'));
    writeFileSync(Buffer.concat([raw('dir-\xfd'), Buffer.from('/x.yaml')]), 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: x}\n');
    writeFileSync(join(repo, 'inventory', 'caf\uFFFD.yaml'), 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: c}\n'); // U+FFFD itself is UTF-8
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'names');

    const answer = (l: Awaited<ReturnType<typeof loadRepository>>) => ({
      cis: l.cis.map((c) => c.id).sort(),
      diagnostics: l.diagnostics.map((d) => [d.severity, d.code, d.file]).sort(),
    });
    const worktree = answer(await loadRepository({ repo, contentCache: false }));
    expect(worktree).toEqual({
      cis: ['host:default/c', 'host:default/h'],
      diagnostics: [
        ['error', 'load.not-utf8', 'inventory/dir-\uFFFD'],
        ['error', 'load.not-utf8', 'inventory/web-\uFFFD.yaml'],
      ],
    });
    for (const gitReader of ['native', 'isomorphic'] as const) {
      expect(answer(await loadRepository({ repo, rev: 'HEAD', gitReader, contentCache: false })), gitReader).toEqual(
        gitReader === 'native'
          ? worktree
          : // isomorphic-git keeps no bytes: a U+FFFD in a name is taken for bytes that were not UTF-8
            { cis: ['host:default/h'], diagnostics: [['error', 'load.not-utf8', 'inventory/caf\uFFFD.yaml'], ...worktree.diagnostics] },
      );
    }
    // the indexed review learns the head's files from git diff-tree: such a path is marked, and the review falls back to the full one
    const changes = await diffTrees(repo, base, 'HEAD');
    expect(
      changes!
        .filter((c) => c.notUtf8)
        .map((c) => c.path)
        .sort(),
    ).toEqual(['inventory/dir-\uFFFD/x.yaml', 'inventory/notes-\uFFFD.txt', 'inventory/web-\uFFFD.yaml']);
    removeGitRepo(repo);
  });

  it('skips a symbolic link that leaves the repository, with a warning, and follows one that stays inside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'plumb-outside-'));
    const repo = mkdtempSync(join(tmpdir(), 'plumb-links-'));
    writeFiles(outside, { 'secret.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: secret}\n' });
    writeFiles(repo, { 'shared/h.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: inside}\n', 'inventory/.keep': '' });
    symlinkSync(join(outside, 'secret.yaml'), join(repo, 'inventory/secret.yaml'));
    symlinkSync(join(repo, 'shared/h.yaml'), join(repo, 'inventory/h.yaml'));

    const loaded = await loadRepository({ repo });
    expect({ cis: loaded.cis.map((c) => c.id), diagnostics: loaded.diagnostics }).toEqual({
      cis: ['host:default/inside'],
      diagnostics: [
        {
          severity: 'warning',
          code: 'load.symlink-outside',
          message: expect.stringMatching(/^symbolic link points outside the repository: /),
          hint: 'copy the file into the repository; plumb never reads outside it',
          file: 'inventory/secret.yaml',
        },
      ],
    });
    removeGitRepo(repo);
    removeGitRepo(outside);
  });

  it("plumb.yaml, read without a listing, is read on the listing's terms: never through a link out of the repository, never a FIFO or device (a hostile review)", async () => {
    const outside = mkdtempSync(join(tmpdir(), 'plumb-outside-'));
    const repo = mkdtempSync(join(tmpdir(), 'plumb-config-link-'));
    writeFiles(outside, { 'shadow.txt': 'root:$6$OUTSIDE-SECRET-HASH:19000:0:99999:7:::\n' });
    writeFiles(repo, { 'inventory/h.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: h}\n', 'real.yaml': 'inventory: ["inventory/**/*.yaml"]\n' });
    const config = join(repo, 'plumb.yaml');
    try {
      // a link out of the repository: it was read, and its first line quoted as an unknown setting
      symlinkSync(join(outside, 'shadow.txt'), config);
      const outsideLink = await loadRepository({ repo, contentCache: false }).catch((e: unknown) => e);
      expect(outsideLink).toMatchObject({ code: 'load.symlink-outside', data: { file: 'plumb.yaml' } });
      expect(String((outsideLink as Error).message)).not.toContain('OUTSIDE-SECRET');
      rmSync(config);
      // to a device: read to no end
      symlinkSync('/dev/zero', config);
      await expect(loadRepository({ repo, contentCache: false })).rejects.toMatchObject({ code: 'load.symlink-outside' });
      rmSync(config);
      // a FIFO: its open blocked for good (no writer ever comes)
      execFileSync('mkfifo', [config]);
      await expect(loadRepository({ repo, contentCache: false })).rejects.toMatchObject({
        code: 'load.not-a-file',
        message: expect.stringContaining('named pipe'),
      });
      rmSync(config);
      // a link to nothing: the settings would silently have been the defaults
      symlinkSync('moved-away.yaml', config);
      await expect(loadRepository({ repo, contentCache: false })).rejects.toMatchObject({ code: 'load.symlink-broken' });
      rmSync(config);
      // a link that stays inside is followed
      symlinkSync('real.yaml', config);
      const loaded = await loadRepository({ repo, contentCache: false });
      expect(loaded.cis.map((c) => c.id)).toEqual(['host:default/h']);
      expect(loaded.diagnostics).toEqual([]);
    } finally {
      removeGitRepo(repo);
      removeGitRepo(outside);
    }
  });

  it('an inventory entry named like a file plumb reads that it cannot read — a link to nothing, a loop of links, a FIFO — is an error, not an absence (a hostile review)', async () => {
    // passed over, its CIs left the desired state unannounced: a plan then deleted what they describe
    const repo = mkdtempSync(join(tmpdir(), 'plumb-unreadable-'));
    writeFiles(repo, { 'inventory/h.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: h}\n' });
    symlinkSync('../shared/moved-away.yaml', join(repo, 'inventory/apps.yaml'));
    symlinkSync('loop-b.yaml', join(repo, 'inventory/loop-a.yaml'));
    symlinkSync('loop-a.yaml', join(repo, 'inventory/loop-b.yaml'));
    symlinkSync('../nowhere.txt', join(repo, 'inventory/notes.txt')); // not a file plumb reads: passed over
    execFileSync('mkfifo', [join(repo, 'inventory/pipe.yaml')]);
    execFileSync('mkfifo', [join(repo, 'inventory/pipe.log')]);
    try {
      const loaded = await loadRepository({ repo, contentCache: false });
      expect(loaded.cis.map((c) => c.id)).toEqual(['host:default/h']);
      expect(loaded.diagnostics.map((d) => [d.severity, d.code, d.file]).sort()).toEqual([
        ['error', 'load.not-a-file', 'inventory/pipe.yaml'],
        ['error', 'load.symlink-broken', 'inventory/apps.yaml'],
        ['error', 'load.symlink-broken', 'inventory/loop-a.yaml'],
        ['error', 'load.symlink-broken', 'inventory/loop-b.yaml'],
      ]);
    } finally {
      removeGitRepo(repo);
    }
  });

  it('warns when no file matches the inventory globs', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'plumb-empty-'));
    const loaded = await loadRepository({ repo });
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'load.no-inventory',
        message: 'no files match the inventory globs: inventory/**/*.{yaml,yml}',
        hint: 'add CI files there, or set `inventory:` in plumb.yaml',
      },
    ]);
    removeGitRepo(repo);
  });

  it('refuses a repository directory that does not exist', async () => {
    await expect(loadRepository({ repo: '/no/such/dir' })).rejects.toMatchObject({ code: 'load.repo-not-found' });
  });
});
