import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../../../engine/providers/snapshot/read-snapshot.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-read-snapshot-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const object = (i: number) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}`, namespace: 'shop', labels: { app: `a-${i}` } },
  data: { text: `é ${'x'.repeat(i % 97)} 😀 \\ " ${i}` },
});

/** A JSON snapshot is read through a window of 1 MiB (parse-json-pieces.ts): these cross it many times. */
describe('readSnapshot of a JSON file', () => {
  it('reads a snapshot larger than its reading window as JSON.parse reads it', async () => {
    const doc = { apiVersion: 'plumb.io/v1', kind: 'Snapshot', metadata: { name: 'big' }, objects: Array.from({ length: 12_000 }, (_, i) => object(i)) };
    const text = JSON.stringify(doc, null, 1);
    expect(text.length).toBeGreaterThan(3 << 20);
    await writeFile(join(dir, 's.json'), text);
    const { snapshot, diagnostics } = await readSnapshot(join(dir, 's.json'), 'observed/s.json');
    expect(diagnostics).toEqual([]);
    expect(snapshot).toStrictEqual({ metadata: doc.metadata, objects: JSON.parse(text).objects });
  });

  it('places a syntax error deep in the file at its line and column', async () => {
    // (the positions main placed before the window: 8_002:20 and 8_002:50 below)
    const objects = Array.from({ length: 9_000 }, (_, i) => JSON.stringify(object(i)));
    objects[8_000] = objects[8_000].replace('"kind"', 'kind');
    await writeFile(join(dir, 's.json'), `{"apiVersion": "plumb.io/v1", "kind": "Snapshot", "objects": [\n${objects.join(',\n')}\n]}\n`);
    const { snapshot, diagnostics } = await readSnapshot(join(dir, 's.json'), 'observed/s.json');
    expect(snapshot).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([['snapshot.syntax', 'observed/s.json', 8_002, 20]]);
  });

  it('places a schema error deep in the file at its line and column', async () => {
    const objects = Array.from({ length: 9_000 }, (_, i) => JSON.stringify(object(i)));
    objects[8_000] = JSON.stringify({ ...object(8_000), metadata: { namespace: 'shop' } });
    await writeFile(join(dir, 's.json'), `{"apiVersion": "plumb.io/v1", "kind": "Snapshot", "objects": [\n${objects.join(',\n')}\n]}\n`);
    const { snapshot, diagnostics } = await readSnapshot(join(dir, 's.json'), 'observed/s.json');
    expect(snapshot).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['snapshot.invalid', 8_002, 50, "snapshot /objects/8000/metadata must have required property 'name'"],
    ]);
  });

  it('a directory or a missing file is a diagnostic', async () => {
    await mkdir(join(dir, 'd.json'));
    expect((await readSnapshot(join(dir, 'd.json'), 'd.json')).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['snapshot.unreadable', 'snapshot file d.json cannot be read (EISDIR)'],
    ]);
    expect((await readSnapshot(join(dir, 'none.json'), 'none.json')).diagnostics.map((d) => d.code)).toEqual(['snapshot.not-found']);
  });
});
