import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { sortDiagnostics } from '../../../engine/model/diagnostic.js';

const repo = 'test/fixtures/load-bad-inputs';

const YAML_HINT = 'fix the yaml syntax at this position (indentation, quoting, a missing `:`)';
const ALIAS_HINT = 'write the repeated values out, or raise limits.maxAliases in plumb.yaml if this is intended';
const MISSING_HINT = 'every configuration item needs apiVersion, kind and metadata.name (strings)';

describe('loading a repository of bad inputs', () => {
  it('reports one diagnostic per problem, each at its file, line and column', async () => {
    const loaded = await loadRepository({ repo });

    expect(sortDiagnostics(loaded.diagnostics)).toEqual([
      {
        severity: 'error',
        code: 'yaml.alias-limit',
        message: 'document refused: aliases would expand into a huge document',
        hint: ALIAS_HINT,
        file: 'inventory/alias-bomb.yaml',
        line: 1,
        column: 1,
      },
      {
        severity: 'error',
        code: 'yaml.alias-limit',
        message: 'document refused: more than 10 aliases in one document',
        hint: ALIAS_HINT,
        file: 'inventory/alias-count.yaml',
        line: 7,
        column: 50,
      },
      {
        severity: 'error',
        code: 'yaml.duplicate-key',
        message: 'map keys must be unique',
        hint: 'remove or rename one of the two keys: a mapping may hold each key once',
        file: 'inventory/duplicate-key.yaml',
        line: 5,
        column: 3,
      },
      {
        severity: 'error',
        code: 'ci.missing-field',
        message: 'document has no metadata.name',
        hint: MISSING_HINT,
        file: 'inventory/nested/missing-field.yaml',
        line: 4,
        column: 3,
      },
      {
        severity: 'error',
        code: 'ci.missing-field',
        message: 'document has no apiVersion',
        hint: MISSING_HINT,
        file: 'inventory/nested/missing-field.yaml',
        line: 6,
        column: 1,
      },
      {
        severity: 'error',
        code: 'yaml.not-a-mapping',
        message: 'document 1 is a list, not a mapping',
        hint: 'a configuration item is a mapping with apiVersion, kind, metadata and spec',
        file: 'inventory/not-a-mapping.yaml',
        line: 2,
        column: 1,
      },
      {
        severity: 'error',
        code: 'load.not-utf8',
        message: 'file is not valid utf-8: byte 0xe9 at offset 56',
        hint: 're-save the file as utf-8 (e.g. `iconv -f latin1 -t utf-8`)',
        file: 'inventory/not-utf8.yaml',
        line: 4,
        column: 12,
      },
      {
        severity: 'error',
        code: 'ci.relations-annotation',
        message: 'annotation plumb.io/relations is not a yaml list of {type, target}',
        hint: 'write it as e.g. "[{type: dependsOn, target: database:shop/orders-db}]"',
        file: 'inventory/relations-annotation.yaml',
        line: 7,
        column: 25,
      },
      {
        severity: 'error',
        code: 'yaml.syntax',
        message: 'flow map in block collection must be sufficiently indented and end with a }',
        hint: YAML_HINT,
        file: 'inventory/second-doc-broken.yaml',
        line: 9,
        column: 1,
      },
      {
        severity: 'error',
        code: 'yaml.syntax',
        message: 'flow sequence in block collection must be sufficiently indented and end with a ]',
        hint: YAML_HINT,
        file: 'inventory/syntax.yaml',
        line: 5,
        column: 1,
      },
      {
        severity: 'error',
        code: 'load.file-too-large',
        message: 'file is 3074 bytes, more than the limit of 2048; it was not read',
        hint: 'split it into smaller files, or raise limits.maxFileBytes in plumb.yaml',
        file: 'inventory/too-large.yaml',
        line: 1,
        column: 1,
      },
      {
        severity: 'warning',
        code: 'yaml.warning',
        message: 'unresolved tag: !weird',
        hint: 'plumb reads yaml 1.2 core schema: custom tags are ignored and the value is read as written',
        file: 'inventory/unknown-tag.yaml',
        line: 6,
        column: 9,
      },
    ]);
  });

  it('still loads every good document beside the bad ones, skipping empty documents silently', async () => {
    const loaded = await loadRepository({ repo });

    expect(loaded.cis.map((ci) => [ci.id, ci.origin])).toEqual([
      ['database:shop/orders-db', { file: 'inventory/good.yaml', doc: 0, line: 1, column: 1 }],
      ['host:shop/db-host-1', { file: 'inventory/good.yaml', doc: 1, line: 12, column: 1 }],
      ['configmap:shop/settings', { file: 'inventory/relations-annotation.yaml', doc: 0, line: 1, column: 1 }],
      ['host:default/fine-host', { file: 'inventory/second-doc-broken.yaml', doc: 0, line: 1, column: 1 }],
      ['host:default/tagged', { file: 'inventory/unknown-tag.yaml', doc: 0, line: 1, column: 1 }],
    ]);
    expect(loaded.policyDocuments.map((d) => d.origin.file)).toEqual(['policies/tier1.yaml']);
  });

  it('hashes every file it read like git does, and never reads a file over the size limit', async () => {
    const loaded = await loadRepository({ repo });

    expect([...loaded.files.keys()]).toEqual([
      'inventory/alias-bomb.yaml',
      'inventory/alias-count.yaml',
      'inventory/duplicate-key.yaml',
      'inventory/empty.yaml',
      'inventory/good.yaml',
      'inventory/nested/missing-field.yaml',
      'inventory/not-a-mapping.yaml',
      'inventory/not-utf8.yaml',
      'inventory/relations-annotation.yaml',
      'inventory/second-doc-broken.yaml',
      'inventory/syntax.yaml',
      'inventory/unknown-tag.yaml',
      'plumb.yaml',
      'policies/tier1.yaml',
    ]);
  });
});
