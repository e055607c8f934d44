import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadYamlLimited } from '../../../engine/load/limited-yaml.js';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';
import { fastParse } from '../../../engine/load/fast-parse.js';
import { readSnapshot } from '../../../engine/providers/snapshot/read-snapshot.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-yaml-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 700-byte billion-laughs: each level aliases the one before nine times. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n') + '\n';
}

describe('every YAML parse has the alias limit', () => {
  // attack: a 700-byte alias bomb in a snapshot took 2.1 GB and did not finish in 90 s
  it('refuses an alias bomb in a snapshot with a positioned diagnostic', async () => {
    const path = join(dir, 'snapshot.yaml');
    await writeFile(path, 'apiVersion: plumb.io/v1\nkind: Snapshot\n' + aliasBomb().replace(/^/gm, '') + 'objects: []\n');
    const { snapshot, diagnostics } = await readSnapshot(path, 'observed/snapshot.yaml');
    expect(snapshot).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['snapshot.alias-limit', 'observed/snapshot.yaml', 4]]);
  });

  it('refuses the same bomb in an annotation or any single-document load', () => {
    let error: unknown;
    try {
      loadYamlLimited(aliasBomb());
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'yaml.alias-limit', line: 2, column: 8 });
    expect(loadYamlLimited('x: &x 1\ny: *x\n', { maxAliases: 5 })).toEqual({ x: 1, y: 1 });
  });

  it('keeps reading plain snapshots with the fast parser', () => {
    expect(loadYamlLimited('objects:\n- kind: Secret\n  data: {a: b}\n')).toEqual({ objects: [{ kind: 'Secret', data: { a: 'b' } }] });
  });
});

describe('the fast YAML path is linear', () => {
  // attack: 100 KB of blank lines took 36.9 s to validate (a backtracking regex); the
  // timing lives in test/bench/hostile-input.bench.ts — here, that such files still parse the same way
  it.each([
    ['blank lines', '\n'.repeat(20_000)],
    ['spaces before a colon', 'a:' + ' '.repeat(20_000) + '1\n'],
    ['a null key after blanks', '\n'.repeat(5_000) + 'null   : x\n'],
  ])('%s give the same documents through both parsers', (_name, text) => {
    const fast = parseYamlFile(text, 'a.yaml', { maxAliases: 100 });
    const slow = parseYamlFile(text, 'a.yaml', { maxAliases: 100, fast: false });
    expect(fast.documents).toEqual(slow.documents);
  });

  it('still sends keys it cannot reproduce to yaml', () => {
    expect(fastParse('a: 1\n\n\n   : x\n', 'a.yaml')).toBeUndefined();
    expect(fastParse('null   : x\n', 'a.yaml')).toBeUndefined();
  });
});
