import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseConfigText } from '../../../engine/config/parse-config.js';
import { yamlParse } from '../../../engine/load/yaml-parse.js';
import { readYamlValue, YamlTextError } from '../../../engine/yaml/yaml-documents.js';
import { runCli } from '../../helpers/run-cli.js';

// `a: {b}: c` is a syntax error to YAML 1.2 (js-yaml, go-yaml and kubectl refuse it); `yaml` reads `a: {b}` and an
// entry with no key, which reached the document as a key "" and was refused downstream as `ConfigMap . is not a
// field`. Every entry written with no key is now a syntax error at its ':'.
const HEAD = 'apiVersion: v1\nkind: ConfigMap\n';
const CASES: [string, string, number, number][] = [
  ['after a flow mapping value', 'metadata: {name: a}: b\n', 3, 20],
  ['after a flow sequence value', 'metadata: {name: a}\ndata:\n  k: [v]: w\n', 5, 9],
  ['after a flow value, nothing after it', 'metadata: {name: a}\ndata:\n  k: {v}:\n', 5, 9],
  ['a line starting with a colon', 'metadata: {name: a}\ndata:\n  : w\n', 5, 3],
  ['in a flow mapping', 'metadata: {name: a}\ndata: {: w}\n', 4, 8],
];

it.each(CASES)('an entry with no key (%s) is yaml.syntax at its colon, and the document is not read', (_what, rest, line, column) => {
  const r = yamlParse(HEAD + rest, 'a.yaml', { maxAliases: 100 });
  expect(r.documents).toEqual([]);
  expect(r.diagnostics).toEqual([
    expect.objectContaining({ severity: 'error', code: 'yaml.syntax', message: "a mapping entry has no key before its ':'", file: 'a.yaml', line, column }),
  ]);
});

// mappingKeyFault finds both faults in one walk: a collection key anywhere in the document is reported before an
// entry with no key that comes earlier, and of two entries with no key the first is reported
it.each([
  ['an entry with no key, then a collection key', 'metadata: {name: a}\ndata:\n  : w\nbinaryData:\n  [a]: x\n', 'yaml.complex-key', 7, 3],
  ['a collection key, then an entry with no key', 'metadata: {name: a}\ndata:\n  [a]: x\nbinaryData:\n  : w\n', 'yaml.complex-key', 5, 3],
  ['two entries with no key', 'metadata: {name: a}\ndata:\n  : w\nbinaryData:\n  : x\n', 'yaml.syntax', 5, 3],
] as const)('%s: the collection key first, else the first entry with no key', (_what, rest, code, line, column) => {
  const r = yamlParse(HEAD + rest, 'a.yaml', { maxAliases: 100 });
  expect(r.documents).toEqual([]);
  expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code, file: 'a.yaml', line, column })]);
});

it('keys written as "", null or ~ are written keys, not this fault', () => {
  const r = yamlParse(`${HEAD}metadata: {name: a}\ndata:\n  "": x\n`, 'a.yaml', { maxAliases: 100 });
  expect(r.diagnostics).toEqual([]);
  expect((r.documents[0].value as { data: unknown }).data).toEqual({ '': 'x' });
});

it('plumb.yaml and YAML read from annotations and snapshots are held to the same rule', () => {
  const config = parseConfigText('inventory: ["inventory/*.yaml"]: x\n');
  expect(config.diagnostics).toEqual([expect.objectContaining({ code: 'yaml.syntax', file: 'plumb.yaml', line: 1, column: 32 })]);
  let thrown: unknown;
  try {
    readYamlValue('a: {b}: c\n', { maxAliases: 10 });
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(YamlTextError);
  expect(thrown).toMatchObject({ code: 'yaml.syntax', line: 1, column: 7 });
});

it('plumb validate says so with file:line:column and a true hint, exit 1 — not "ConfigMap . is not a field"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-empty-key-'));
  try {
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), 'inventory: ["inventory/*.yaml"]\n');
    writeFileSync(join(dir, 'inventory', 'a.yaml'), `${HEAD}metadata: {name: a, namespace: x}: y\n`);
    const r = await runCli(['validate', '--repo', dir], { env: { PLUMB_CACHE: 'off' } });
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toContain('inventory/a.yaml:3:34');
    expect(out).toContain("a mapping entry has no key before its ':'");
    expect(out).toContain('a: {b}: c');
    expect(out).not.toContain('is not a field');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
