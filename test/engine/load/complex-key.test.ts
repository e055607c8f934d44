import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { yamlParse } from '../../../engine/load/yaml-parse.js';
import { runCli } from '../../helpers/run-cli.js';

const HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n';

// JSON, Kubernetes and plumb's documents take only string keys: yaml's toJS turned a collection key into its text
// ("[ a, b ]") silently, and Node printed its own warning on stderr; kubectl refuses such a manifest
const CASES: [string, string, number, number][] = [
  ['explicit key', 'data:\n  ? [a, b]\n  : x\n', 5, 5],
  ['flow mapping', 'data: {[a, b]: x}\n', 4, 8],
  ['block, sequence key', 'data:\n  [a, b]: x\n', 5, 3],
  ['block, mapping key', 'data:\n  {a: 1}: x\n', 5, 3],
  ['an alias of a sequence', 'data:\n  k: &k [a]\n  *k : x\n', 6, 3],
];

it.each(CASES)('a mapping key that is a collection (%s) is an error at the key, and the document is not read', (_what, rest, line, column) => {
  const r = yamlParse(HEAD + rest, 'a.yaml', { maxAliases: 100 });
  expect(r.documents).toEqual([]);
  expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'yaml.complex-key', file: 'a.yaml', line, column })]);
});

it('string keys that look like collections, quoted, are read as written', () => {
  const r = yamlParse(`${HEAD}data:\n  "[a, b]": x\n  '{a: 1}': y\n`, 'a.yaml', { maxAliases: 100 });
  expect(r.diagnostics).toEqual([]);
  expect((r.documents[0].value as { data: unknown }).data).toEqual({ '[a, b]': 'x', '{a: 1}': 'y' });
});

it('plumb validate says so with file:line:column, exit 1, and nothing of the parser on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-complex-key-'));
  try {
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), 'inventory: ["inventory/*.yaml"]\n');
    writeFileSync(join(dir, 'inventory', 'a.yaml'), `${HEAD}data:\n  [a, b]: x\n`);
    const r = await runCli(['validate', '--repo', dir], { env: { PLUMB_CACHE: 'off' } });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('inventory/a.yaml:5:3');
    expect(r.stdout + r.stderr).toContain('yaml.complex-key');
    expect(r.stderr).not.toMatch(/Warning|stringified|trace-warnings/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
