import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileProvider } from '../../../../engine/providers/file/file-provider.js';
import type { Provider } from '../../../../engine/providers/contract.js';
import { change, fileCI, signal } from '../make-ci.js';

let dir: string;
let provider: Provider;
const SECRET = 'outside-the-root-do-not-read';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-file-'));
  await mkdir(join(dir, 'root/sub'), { recursive: true });
  await mkdir(join(dir, 'outside'));
  await writeFile(join(dir, 'outside/secret'), SECRET);
  await writeFile(join(dir, 'root/real.txt'), 'inside\n');
  provider = createFileProvider({ roots: ['root'], base: dir });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('file provider: escapes are refused, never followed', () => {
  const escapes: [string, () => Promise<void>, string][] = [
    ['.. climbing out', async () => undefined, '../outside/secret'],
    ['an absolute path outside the roots', async () => undefined, '/etc/hostname'],
    ['an absolute path into a sibling', async () => undefined, '__DIR__/outside/secret'],
    ['a symlink pointing out', () => symlink(join(dir, 'outside/secret'), join(dir, 'root/link')), 'link'],
    ['a symlinked directory component', () => symlink(join(dir, 'outside'), join(dir, 'root/dir')), 'dir/secret'],
    [
      'a symlink pointing in, then out',
      async () => {
        await symlink(join(dir, 'outside/secret'), join(dir, 'root/sub/hop'));
        await symlink(join(dir, 'root/sub/hop'), join(dir, 'root/in'));
      },
      'in',
    ],
    ['a relative symlink climbing out', () => symlink('../outside/secret', join(dir, 'root/rel')), 'rel'],
    ['a symlink pointing inside (never followed either)', () => symlink(join(dir, 'root/real.txt'), join(dir, 'root/alias')), 'alias'],
    ['.. through a symlinked directory', () => symlink(join(dir, 'outside'), join(dir, 'root/dir')), 'dir/../dir/secret'],
  ];

  for (const [what, setup, rawPath] of escapes) {
    it(`refuses ${what} on discover, apply, backup and restore`, async () => {
      await setup();
      const path = rawPath.replace('__DIR__', dir);
      const ci = fileCI('f', { path, content: 'overwritten' });
      const found = await provider.discover({ desired: [ci] }, signal());
      expect(found.observed).toEqual([]);
      expect(found.diagnostics.map((d) => [d.code, d.ci, d.file])).toEqual([['file.outside-root', ci.id, 'inventory/test.yaml']]);
      expect(JSON.stringify(found)).not.toContain(SECRET);

      const applied = await provider.apply!({ change: change(ci.id, 'update'), desired: ci.object, dryRun: false }, signal());
      expect([applied.ok, applied.diagnostics.map((d) => d.code)]).toEqual([false, ['file.outside-root']]);
      const backup = await provider.backup!({ ids: [ci.id] }, signal());
      expect([backup.artifacts, backup.diagnostics.map((d) => d.code)]).toEqual([[], ['file.outside-root']]);
      const artifact = {
        id: ci.id,
        exists: true,
        mediaType: 'application/vnd.plumb.file+json',
        data: new TextEncoder().encode(JSON.stringify({ path, exists: true, type: 'file', content: 'eA==' })),
      };
      const restored = await provider.restore!({ artifacts: [artifact], dryRun: false }, signal());
      expect([restored.ok, restored.diagnostics.map((d) => d.code)]).toEqual([false, ['file.outside-root']]);

      expect(await readFile(join(dir, 'outside/secret'), 'utf8')).toBe(SECRET);
      expect(await readFile(join(dir, 'root/real.txt'), 'utf8')).toBe('inside\n');
    });
  }

  it('does not create files through a symlinked directory', async () => {
    await symlink(join(dir, 'outside'), join(dir, 'root/dir'));
    const ci = fileCI('f', { path: 'dir/new/file', content: 'x' });
    const applied = await provider.apply!({ change: change(ci.id, 'create'), desired: ci.object, dryRun: false }, signal());
    expect(applied.diagnostics.map((d) => d.code)).toEqual(['file.outside-root']);
    expect(existsSync(join(dir, 'outside/new'))).toBe(false);
  });

  it('allows .. that stays inside the root', async () => {
    const found = await provider.discover({ desired: [fileCI('f', { path: 'sub/../real.txt' })] }, signal());
    expect(found.diagnostics).toEqual([]);
    expect(found.observed.map((o) => o.object.spec)).toEqual([{ path: 'sub/../real.txt', ensure: 'present', type: 'file', mode: '0644', content: 'inside\n' }]);
  });
});

describe('file provider: discover, apply, backup and restore', () => {
  it('reports a missing file as not observed, creates it with its mode, then sees it', async () => {
    const ci = fileCI('motd', { path: 'etc/motd', content: 'hello\n', mode: '0600' });
    expect((await provider.discover({ desired: [ci] }, signal())).observed).toEqual([]);
    const applied = await provider.apply!({ change: change(ci.id, 'create'), desired: ci.object, dryRun: false }, signal());
    expect(applied.ok).toBe(true);
    expect(await readFile(join(dir, 'root/etc/motd'), 'utf8')).toBe('hello\n');
    expect((await stat(join(dir, 'root/etc/motd'))).mode & 0o777).toBe(0o600);
    const found = await provider.discover({ desired: [ci] }, signal());
    expect(found).toEqual({
      diagnostics: [],
      observed: [
        {
          id: ci.id,
          object: {
            apiVersion: 'plumb.io/v1',
            kind: 'File',
            metadata: { name: 'motd' },
            spec: { path: 'etc/motd', ensure: 'present', type: 'file', mode: '0600', content: 'hello\n' },
          },
        },
      ],
    });
  });

  it('observes a missing file as what `ensure: absent` wants, and deletes one that exists', async () => {
    const gone = fileCI('gone', { path: 'nothing-here', ensure: 'absent' });
    const there = fileCI('there', { path: 'real.txt', ensure: 'absent' });
    const found = await provider.discover({ desired: [gone, there] }, signal());
    expect(found.observed.map((o) => [o.id, o.object.spec])).toEqual([
      [gone.id, { path: 'nothing-here', ensure: 'absent' }],
      [there.id, { path: 'real.txt', ensure: 'present', type: 'file', mode: '0644', content: 'inside\n' }],
    ]);
    expect((await provider.apply!({ change: change(there.id, 'update'), desired: there.object, dryRun: false }, signal())).ok).toBe(true);
    expect(existsSync(join(dir, 'root/real.txt'))).toBe(false);
  });

  it('dry-run changes nothing', async () => {
    const ci = fileCI('motd', { path: 'real.txt', content: 'changed' });
    const applied = await provider.apply!({ change: change(ci.id, 'update'), desired: ci.object, dryRun: true }, signal());
    expect(applied.ok).toBe(true);
    expect(await readFile(join(dir, 'root/real.txt'), 'utf8')).toBe('inside\n');
  });

  it('restores a backup byte for byte, including a file that did not exist', async () => {
    const a = fileCI('a', { path: 'real.txt', content: 'new content' });
    const b = fileCI('b', { path: 'sub/created.txt', content: 'fresh' });
    await provider.discover({ desired: [a, b] }, signal());
    const { artifacts } = await provider.backup!({ ids: [a.id, b.id] }, signal());
    expect(artifacts.map((x) => [x.id, x.exists])).toEqual([
      [a.id, true],
      [b.id, false],
    ]);
    for (const ci of [a, b]) await provider.apply!({ change: change(ci.id, 'update'), desired: ci.object, dryRun: false }, signal());
    expect(await readFile(join(dir, 'root/sub/created.txt'), 'utf8')).toBe('fresh');
    const restored = await provider.restore!({ artifacts, dryRun: false }, signal());
    expect(restored).toEqual({ restored: [a.id, b.id], ok: true, diagnostics: [] });
    expect(await readFile(join(dir, 'root/real.txt'), 'utf8')).toBe('inside\n');
    expect(existsSync(join(dir, 'root/sub/created.txt'))).toBe(false);
  });

  it('manages directories and removes only empty ones', async () => {
    const d = fileCI('d', { path: 'sub', type: 'directory', mode: '0700' });
    await provider.discover({ desired: [d] }, signal());
    expect((await provider.apply!({ change: change(d.id, 'update'), desired: d.object, dryRun: false }, signal())).ok).toBe(true);
    expect((await stat(join(dir, 'root/sub'))).mode & 0o777).toBe(0o700);
    await writeFile(join(dir, 'root/sub/keep'), 'x');
    const del = await provider.apply!({ change: change(d.id, 'delete'), dryRun: false }, signal());
    expect(del.diagnostics.map((x) => x.code)).toEqual(['file.directory-not-empty']);
  });

  it('refuses to turn a directory into a file', async () => {
    const ci = fileCI('x', { path: 'sub', content: 'x' });
    const applied = await provider.apply!({ change: change(ci.id, 'update'), desired: ci.object, dryRun: false }, signal());
    expect(applied.diagnostics.map((x) => x.code)).toEqual(['file.type-conflict']);
  });
});

describe('file provider: concurrent writes lose nothing', () => {
  it('40 files created at once under one new parent directory all land, each read back', async () => {
    const cis = Array.from({ length: 40 }, (_, i) => fileCI(`f${i}`, { path: `new/deep/f${i}.txt`, content: `file ${i}\n` }));
    await provider.discover({ desired: cis }, signal());
    const answers = await Promise.all(cis.map((ci) => provider.apply!({ change: change(ci.id, 'create'), desired: ci.object, dryRun: false }, signal())));
    expect(answers.filter((a) => !a.ok).map((a) => a.diagnostics)).toEqual([]);
    for (let i = 0; i < 40; i++) expect(await readFile(join(dir, `root/new/deep/f${i}.txt`), 'utf8')).toBe(`file ${i}\n`);
    const health = await provider.health!({ ids: cis.map((c) => c.id), timeoutMs: 1000 }, signal());
    expect(health.results.every((r) => r.healthy)).toBe(true);
  });

  it('health reports a file changed behind plumb since it was written', async () => {
    const ci = fileCI('motd', { path: 'motd', content: 'hello\n' });
    await provider.discover({ desired: [ci] }, signal());
    await provider.apply!({ change: change(ci.id, 'create'), desired: ci.object, dryRun: false }, signal());
    await writeFile(join(dir, 'root/motd'), 'tampered\n');
    const health = await provider.health!({ ids: [ci.id], timeoutMs: 1000 }, signal());
    expect(health.results).toEqual([{ id: ci.id, healthy: false, message: 'motd no longer holds what plumb wrote' }]);
  });
});
