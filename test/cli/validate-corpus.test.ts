import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/run-cli.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/validate-output.schema.json', import.meta.url), 'utf8'));
const validateOutput = new Ajv({ strict: false }).compile(schema);

/** What each bad fixture must report (code, file, line), beside the problem of the file next to it. */
const corpus: Array<{ dir: string; code: string; file: string; line: number; also?: { code: string; file: string; line: number } }> = [
  { dir: 'validate-kind-unknown', code: 'kind.unknown', file: 'inventory/bad.yaml', line: 2 },
  { dir: 'validate-schema-violation', code: 'schema.violation', file: 'inventory/bad.yaml', line: 7 },
  { dir: 'validate-name-invalid', code: 'name.invalid', file: 'inventory/bad.yaml', line: 4 },
  { dir: 'validate-ci-duplicate', code: 'ci.duplicate', file: 'inventory/bad.yaml', line: 9 },
  {
    dir: 'validate-ref-unresolved',
    code: 'ref.unresolved',
    file: 'inventory/bad.yaml',
    line: 7,
    also: { code: 'kind.unknown', file: 'inventory/zz-other.yaml', line: 8 },
  },
  { dir: 'validate-owner-unresolved', code: 'ref.unresolved', file: 'inventory/bad.yaml', line: 5 },
  { dir: 'validate-ref-malformed', code: 'ref.malformed', file: 'inventory/bad.yaml', line: 7 },
  { dir: 'validate-relation-unknown-type', code: 'relation.unknown-type', file: 'inventory/bad.yaml', line: 8 },
  { dir: 'validate-relation-cycle', code: 'relation.cycle', file: 'inventory/bad.yaml', line: 6 },
  { dir: 'validate-k8s-name-invalid', code: 'k8s.name-invalid', file: 'inventory/bad.yaml', line: 4 },
  { dir: 'validate-k8s-namespace-invalid', code: 'k8s.namespace-invalid', file: 'inventory/bad.yaml', line: 5 },
  { dir: 'validate-k8s-secret-base64', code: 'k8s.secret-base64', file: 'inventory/bad.yaml', line: 9 },
  { dir: 'validate-k8s-data-key', code: 'k8s.data-key-invalid', file: 'inventory/bad.yaml', line: 9 },
  { dir: 'validate-k8s-label-invalid', code: 'k8s.label-invalid', file: 'inventory/bad.yaml', line: 8 },
  { dir: 'validate-k8s-container-invalid', code: 'k8s.container-invalid', file: 'inventory/bad.yaml', line: 14 },
  { dir: 'validate-k8s-field-missing', code: 'k8s.field-missing', file: 'inventory/bad.yaml', line: 7 },
  { dir: 'validate-k8s-selector-invalid', code: 'k8s.selector-invalid', file: 'inventory/bad.yaml', line: 8 },
  { dir: 'validate-k8s-relations-annotation', code: 'ref.malformed', file: 'inventory/bad.yaml', line: 7 },
];
const beside = { code: 'ref.unresolved', file: 'inventory/zz-other.yaml', line: 13 };
const noStack = (text: string) => expect(text).not.toMatch(/^\s{4}at /m);

describe('plumb validate on the corpus of bad inputs', () => {
  it.each(corpus)('$dir: $code at $file:$line, and the diagnostics of the file beside it', async ({ dir, code, file, line, also }) => {
    const { code: exit, stdout, stderr } = await runCli(['validate', '--repo', fixture(dir), '-o', 'json']);
    expect(exit, stderr).toBe(1);
    noStack(stdout);
    noStack(stderr);
    const result = JSON.parse(stdout);
    expect(validateOutput(result)).toBe(true);
    expect(result.ok).toBe(false);
    const found = result.diagnostics.map((d: { code: string; file: string; line: number }) => ({ code: d.code, file: d.file, line: d.line }));
    expect(found).toContainEqual({ code, file, line });
    expect(found).toContainEqual(also ?? beside);
  });

  it('schema.invalid names the schema file that does not compile', async () => {
    const { code, stdout } = await runCli(['validate', '--repo', fixture('validate-schema-invalid'), '-o', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).diagnostics.map((d: { code: string; file: string }) => [d.code, d.file])).toContainEqual([
      'schema.invalid',
      'schemas/Gizmo.schema.json',
    ]);
  });

  it('text output groups by file, quotes the line with a caret, and ends with the summary', async () => {
    const { code, stdout, stderr } = await runCli(['validate', '--repo', fixture('validate-schema-violation')]);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        'inventory/bad.yaml',
        'inventory/bad.yaml:7:13  error  schema.violation  App /spec/replicas must be integer',
        '     7 |   replicas: three',
        '       |             ^',
        '',
        'inventory/zz-other.yaml',
        'inventory/zz-other.yaml:13:13  error  ref.unresolved  reference "box:ghost" does not resolve: there is no box:default/ghost',
        '    13 |     target: box:ghost',
        '       |             ^',
        '    hint: add the missing CI to the inventory, or fix the reference',
        '',
        '3 CIs, 0 relations: 2 errors, 0 warnings',
        '',
      ].join('\n'),
    );
  });

  it('never prints a secret value, not even in the quoted source line', async () => {
    for (const output of ['text', 'json']) {
      const { stdout, stderr } = await runCli(['validate', '--repo', fixture('validate-k8s-secret-base64'), '-o', output]);
      expect(stdout + stderr).not.toContain('hunter2');
      if (output === 'text') expect(stdout).toContain('     9 | (sensitive)');
    }
  });

  it('names both places of a duplicate identity', async () => {
    const { stdout } = await runCli(['validate', '--repo', fixture('validate-ci-duplicate'), '-o', 'json']);
    const duplicate = JSON.parse(stdout).diagnostics.find((d: { code: string }) => d.code === 'ci.duplicate');
    expect(duplicate).toMatchObject({ file: 'inventory/bad.yaml', line: 9, related: [{ file: 'inventory/a.yaml', line: 4 }] });
  });

  it('a missing repository is one error line with a hint, exit 1, no stack', async () => {
    const { code, stdout, stderr } = await runCli(['validate', '--repo', fixture('no-such-dir')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: .+\n  hint: .+\n$/);
  });
});
