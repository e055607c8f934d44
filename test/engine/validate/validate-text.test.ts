import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { renderValidateText } from '../../../engine/report/validate-text.js';
import type { Diagnostic } from '../../../engine/model/diagnostic.js';
import { pluginCode } from '../../../engine/model/codes.js';

const plain = pc.createColors(false);
const files: Record<string, string> = {
  'inventory/a.yaml': 'kind: App\nmetadata:\n\tname: Bad_Name\nspec: {password: hunter2, port: x}\n',
  'inventory/secret.yaml': 'apiVersion: v1\nkind: Secret\ndata:\n  key: [unclosed\n',
};
const render = (diagnostics: Diagnostic[], sensitive = new Map<string, Set<number>>()) =>
  renderValidateText({ diagnostics, cis: 3, relations: 1, source: (f) => files[f], sensitive, colors: plain });

describe('renderValidateText', () => {
  it('groups by file, aligns the caret under tabs, and lists hints and related places', () => {
    expect(
      render([
        { severity: 'warning', code: pluginCode('x.warn'), message: 'a warning', file: 'inventory/a.yaml', line: 1, column: 7 },
        {
          severity: 'error',
          code: 'name.invalid',
          message: 'bad name',
          hint: 'rename it',
          file: 'inventory/a.yaml',
          line: 3,
          column: 8,
          ci: 'app:default/Bad_Name',
          related: [{ file: 'inventory/b.yaml', line: 2, column: 3, message: 'first defined here' }],
        },
        { severity: 'error', code: 'config.invalid', message: 'no position' },
      ]),
    ).toBe(
      [
        '(repository)',
        'error  config.invalid  no position',
        '',
        'inventory/a.yaml',
        'inventory/a.yaml:1:7  warning  x.warn  a warning',
        '     1 | kind: App',
        '       |       ^',
        'inventory/a.yaml:3:8  error  name.invalid  bad name',
        '     3 | \tname: Bad_Name',
        '       | \t      ^',
        '    hint: rename it',
        '    first defined here: inventory/b.yaml:2:3',
        '',
        '3 CIs, 1 relation: 2 errors, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it('never quotes a line that holds a secret, nor lines of a Secret file for problems without a CI', () => {
    const out = render(
      [
        { severity: 'error', code: 'schema.violation', message: 'port must be integer', file: 'inventory/a.yaml', line: 4, column: 27, ci: 'app:default/x' },
        { severity: 'error', code: 'yaml.syntax', message: 'unclosed flow sequence', file: 'inventory/secret.yaml', line: 4, column: 8 },
      ],
      new Map([['inventory/a.yaml', new Set([4])]]),
    );
    expect(out).toContain('     4 | (sensitive)');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('unclosed\n');
    expect(out).not.toContain('[unclosed');
  });

  it('never quotes the line of an unknown field in a file that may hold a secret: a misspelt secret field has no schema mark', () => {
    files['inventory/typo.yaml'] = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstrinData:\n  pw: typo-secret-1\n';
    files['inventory/db.yaml'] = 'kind: Database\nmetadata: {name: d}\nspec:\n  passwrod: typo-secret-2\n  port: x\n';
    const out = renderValidateText({
      diagnostics: [
        {
          severity: 'error',
          code: 'k8s.field-unknown',
          message: 'Secret .strinData is not a field of this kind',
          file: 'inventory/typo.yaml',
          line: 5,
          column: 3,
          ci: 'secret:default/s',
        },
        {
          severity: 'error',
          code: 'schema.violation',
          message: 'Database /spec: unknown field "passwrod"',
          file: 'inventory/db.yaml',
          line: 4,
          column: 13,
          ci: 'database:default/d',
        },
        {
          severity: 'error',
          code: 'schema.violation',
          message: 'Database /spec/port must be integer',
          file: 'inventory/db.yaml',
          line: 5,
          column: 9,
          ci: 'database:default/d',
        },
      ],
      cis: 2,
      relations: 0,
      source: (f) => files[f],
      sensitive: new Map(),
      secretKinds: new Set(['Secret', 'Database']),
      colors: plain,
    });
    expect(out).not.toContain('typo-secret');
    expect(out).toContain('     5 | (sensitive)');
    expect(out).toContain('     4 | (sensitive)');
    expect(out).toContain('     5 |   port: x'); // a known field's line is still quoted
  });
});
