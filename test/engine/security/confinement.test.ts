import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDirStore } from '../../../engine/backup/dir-store.js';
import { sha256Hex } from '../../../engine/backup/manifest.js';
import { parseConfigText } from '../../../engine/config/parse-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-confine-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

describe("a backup manifest is the store's own", () => {
  // attack: a manifest whose artifact path climbs out of the store made restore read any file
  it('refuses an artifact path that leaves the backup, and lists the backup as corrupt', async () => {
    const store = createDirStore(join(dir, 'backups'));
    const saved = await store.save({
      revision: null,
      planHash: null,
      reason: 'on-demand',
      artifacts: [
        { id: 'file:default/motd', target: 'files', provider: 'file', exists: true, mediaType: 'text/plain', data: new TextEncoder().encode('hi\n') },
      ],
    });
    await writeFile(join(dir, 'outside.txt'), 'not yours');
    const file = join(dir, 'backups', saved.id, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    manifest.artifacts[0].path = '../../outside.txt';
    manifest.artifacts[0].sha256 = sha256Hex(new TextEncoder().encode('not yours'));
    await writeFile(file, JSON.stringify(manifest));
    await expect(store.load(saved.id)).rejects.toMatchObject({ code: 'backup.corrupt' });
    expect(await store.list()).toEqual([]);
    expect(await store.listCorrupt()).toEqual([{ id: saved.id, problem: 'an artifact path is not one the store writes (artifacts/NNNNNN.bin)' }]);
  });

  it('lists a backup whose manifest is not JSON as corrupt instead of hiding it', async () => {
    const id = '20261125T180518123Z-abcdef';
    await mkdir(join(dir, 'backups', id), { recursive: true });
    await writeFile(join(dir, 'backups', id, 'manifest.json'), '{"version": 1, ');
    const store = createDirStore(join(dir, 'backups'));
    expect(await store.listCorrupt()).toEqual([{ id, problem: 'the manifest is not valid JSON' }]);
    await expect(store.load(id)).rejects.toMatchObject({ code: 'backup.corrupt' });
  });
});

describe('plumb.yaml paths stay in the repository', () => {
  // attack: a pull request points the snapshot, the backup store or the schemas at /etc or ../..
  it.each([
    ['schemas: /etc\n', 'schemas'],
    ['backup: {path: ../../elsewhere}\n', 'backup.path'],
    ['targets: {recorded: {provider: snapshot, path: /etc/passwd}}\n', 'targets.recorded.path'],
  ])('refuses %j', (text, setting) => {
    const { diagnostics } = parseConfigText(text);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['config.path-outside-repository', `${setting} names a path outside the repository`]]);
    expect(diagnostics[0].line).toBe(1);
  });

  it('accepts them when the operator opts in through the environment', () => {
    vi.stubEnv('PLUMB_ALLOW_PATHS_OUTSIDE_REPO', '1');
    expect(parseConfigText('schemas: /etc\n').diagnostics).toEqual([]);
  });

  it('accepts paths inside the repository', () => {
    expect(
      parseConfigText('schemas: schemas/./kinds\nbackup: {path: .plumb/b}\ntargets: {r: {provider: snapshot, path: observed/../observed/s.yaml}}\n')
        .diagnostics,
    ).toEqual([]);
  });
});

describe('small guards', () => {
  it('warns about plain-http Git URLs that carry credentials', async () => {
    const { insecureCredentials } = await import('../../../cli/actions/controller.js');
    expect(insecureCredentials('http://git.example.com/r.git', true)).toBe(true);
    expect(insecureCredentials('http://user:tok@git.example.com/r.git', false)).toBe(true);
    expect(insecureCredentials('https://git.example.com/r.git', true)).toBe(false);
    expect(insecureCredentials('http://git.example.com/r.git', false)).toBe(false);
    // loopback: nothing leaves the machine
    expect(insecureCredentials('http://user:tok@127.0.0.1:8080/r.git', true)).toBe(false);
    expect(insecureCredentials('http://localhost/r.git', true)).toBe(false);
    expect(insecureCredentials('http://[::1]:3000/r.git', true)).toBe(false);
    expect(insecureCredentials('http://127.example.com/r.git', true)).toBe(true);
  });

  // an exception for a CI that does not exist excused nothing, silently
  it('warns about an exception naming a CI that is not in the inventory', async () => {
    const { evaluateInventoryPolicies } = await import('../../../engine/policy/evaluate-inventory.js');
    const { yamlDocs, graphOf } = await import('../policy/helpers.js');
    const { ci } = await import('../../helpers/make-repo.js');
    const repo = yamlDocs({
      'policies/x.yaml':
        'apiVersion: plumb.io/v1\nkind: PolicyException\nmetadata: {name: old, namespace: shop}\nspec:\n  policies: [p]\n  targets: [application:gone, application:api]\n  reason: r\n',
    });
    const report = evaluateInventoryPolicies(
      { policyDocuments: repo.docs, locate: repo.locate },
      graphOf([ci({ kind: 'Application', name: 'api', namespace: 'shop' })]),
    );
    expect(report.diagnostics.filter((d) => d.code === 'policy.exception-unknown-ci').map((d) => [d.message, d.line])).toEqual([
      ['exception old names application:shop/gone, which is not in the inventory', 6],
    ]);
  });
});
