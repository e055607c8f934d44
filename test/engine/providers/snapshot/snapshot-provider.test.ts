import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshotProvider } from '../../../../engine/providers/snapshot/snapshot-provider.js';
import { change, signal } from '../make-ci.js';

const fixtures = resolve(import.meta.dirname, '../../../fixtures/providers-snapshot');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-snapshot-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const open = (name: string) => createSnapshotProvider({ path: join(fixtures, name), file: `snapshots/${name}` });

describe('snapshot provider', () => {
  it('discovers the recorded objects with loader identities and managed-by', async () => {
    const { observed, diagnostics } = await open('shop.yaml').discover({ desired: [] }, signal());
    expect(diagnostics).toEqual([]);
    expect(observed.map((o) => [o.id, o.managedByPlumb])).toEqual([
      ['deployment:shop/api', true],
      ['namespace:_cluster/shop', false],
      ['database:shop/orders-db', false],
    ]);
  });

  it('applies the discover selector', async () => {
    const { observed } = await open('shop.yaml').discover({ desired: [], selector: { kinds: ['deployment'], namespaces: ['shop'] } }, signal());
    expect(observed.map((o) => o.id)).toEqual(['deployment:shop/api']);
  });

  it('places schema violations at file:line:column', async () => {
    const { observed, diagnostics } = await open('invalid.yaml').discover({ desired: [] }, signal());
    expect(observed).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.message])).toEqual([
      ['snapshot.invalid', 'snapshots/invalid.yaml', 10, 7, "snapshot /objects/1/metadata must have required property 'name'"],
    ]);
  });

  it('reports a syntax error and a missing file as diagnostics', async () => {
    const syntax = await open('syntax.yaml').discover({ desired: [] }, signal());
    expect(syntax.diagnostics.map((d) => [d.code, d.line])).toEqual([['snapshot.syntax', 5]]);
    const missing = await open('nope.yaml').discover({ desired: [] }, signal());
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['snapshot.not-found']);
  });

  it('round-trips: apply creates (labelled), updates and deletes, each read back; restore gives back the same bytes', async () => {
    const path = join(dir, 'snap.yaml');
    await copyFile(join(fixtures, 'shop.yaml'), path);
    const p = createSnapshotProvider({ path });
    const ids = ['deployment:shop/api', 'database:shop/orders-db', 'configmap:shop/new'];
    // Normalise the file once (apply writes it sorted), so "before" is what restore must reproduce.
    await p.restore!({ artifacts: (await p.backup!({ ids }, signal())).artifacts, dryRun: false }, signal());
    const before = await readFile(path, 'utf8');
    const { artifacts } = await p.backup!({ ids }, signal());
    expect(artifacts.map((a) => [a.id, a.exists])).toEqual([
      [ids[0], true],
      [ids[1], true],
      [ids[2], false],
    ]);

    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new', namespace: 'shop' }, data: { a: '1' } };
    const created = await p.apply!({ change: change(ids[2], 'create'), desired: cm, dryRun: false }, signal());
    expect(created.observed).toEqual({
      id: ids[2],
      managedByPlumb: true,
      owned: ['/data/a'],
      object: { ...cm, metadata: { ...cm.metadata, labels: { 'plumb.io/managed-by': 'plumb' } } },
    });
    const db = { apiVersion: 'plumb.io/v1', kind: 'Database', metadata: { name: 'orders-db', namespace: 'shop' }, spec: { engine: 'postgres', version: '17' } };
    await p.apply!({ change: change(ids[1], 'update'), desired: db, dryRun: false }, signal());
    await p.apply!({ change: change(ids[0], 'delete'), dryRun: false }, signal());

    const after = await p.discover({ desired: [] }, signal());
    // the file's own order is kept (the fixture is not sorted); a new object goes before the first that sorts after it
    expect(after.observed.map((o) => o.id)).toEqual(['configmap:shop/new', 'namespace:_cluster/shop', 'database:shop/orders-db']);
    expect(after.observed[2].object).toEqual(db);
    // the fields plumb wrote are recorded as its own: dropping one from Git later is a removal
    expect(after.observed.map((o) => o.owned)).toEqual([['/data/a'], undefined, ['/spec/engine', '/spec/version']]);

    expect(await p.restore!({ artifacts, dryRun: true }, signal())).toEqual({ restored: ids, ok: true, diagnostics: [] });
    expect((await p.discover({ desired: [] }, signal())).observed).toHaveLength(3);
    await p.restore!({ artifacts, dryRun: false }, signal());
    expect(await readFile(path, 'utf8')).toBe(before);
  });
});

describe('snapshot provider: keys any JSON string can be', () => {
  it('an owned field whose key holds a line or paragraph separator or a newline is recorded and read back (a pattern with `.` refused them: "applied, unhealthy")', async () => {
    const path = join(dir, 'snap.yaml');
    await copyFile(join(fixtures, 'shop.yaml'), path);
    const p = createSnapshotProvider({ path });
    const keys = ['a\u2028b', 'c\u2029d', 'e\nf', 'g\rh'];
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'odd-keys', namespace: 'shop' }, data: Object.fromEntries(keys.map((k) => [k, '1'])) };
    const created = await p.apply!({ change: change('configmap:shop/odd-keys', 'create'), desired: cm, dryRun: false }, signal());
    expect(created.diagnostics).toEqual([]);
    expect(created.ok).toBe(true);
    const after = await p.discover({ desired: [] }, signal());
    expect(after.diagnostics).toEqual([]);
    const found = after.observed.find((o) => o.id === 'configmap:shop/odd-keys');
    expect([...(found?.owned ?? [])].sort()).toEqual(keys.map((k) => `/data/${k}`).sort());
  });
});

describe('snapshot provider: serialised, verified writes', () => {
  it('two providers on one file, 50 concurrent creates each: every object is recorded', async () => {
    const path = join(dir, 'snap.yaml');
    await copyFile(join(fixtures, 'shop.yaml'), path);
    const [a, b] = [createSnapshotProvider({ path }), createSnapshotProvider({ path })];
    const cm = (i: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'shop' }, data: { i: String(i) } });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).apply!({ change: change(`configmap:shop/cm-${i}`, 'create'), desired: cm(i), dryRun: false }, signal()),
      ),
    );
    expect(answers.every((x) => x.ok)).toBe(true);
    const { observed } = await a.discover({ desired: [] }, signal());
    expect(observed.filter((o) => o.id.startsWith('configmap:'))).toHaveLength(100);
  });

  it('health reports an object changed in the file since plumb wrote it', async () => {
    const path = join(dir, 'snap.yaml');
    await copyFile(join(fixtures, 'shop.yaml'), path);
    const p = createSnapshotProvider({ path });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop' }, data: { a: '1' } };
    await p.apply!({ change: change('configmap:shop/x', 'create'), desired: cm, dryRun: false }, signal());
    expect((await p.health!({ ids: ['configmap:shop/x'], timeoutMs: 100 }, signal())).results[0].healthy).toBe(true);
    await writeFile(path, (await readFile(path, 'utf8')).replace("a: '1'", "a: '2'").replace('a: "1"', 'a: "2"'));
    expect((await p.health!({ ids: ['configmap:shop/x'], timeoutMs: 100 }, signal())).results[0]).toMatchObject({ healthy: false });
  });
});
