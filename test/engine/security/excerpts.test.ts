import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { mayHoldSecret, renderValidateText } from '../../../engine/report/validate-text.js';
import type { Diagnostic } from '../../../engine/model/diagnostic.js';

const PIN = 'pin-918273-secret';

function render(text: string, secretKinds = new Set(['Secret', 'Database'])): string {
  const diagnostic: Diagnostic = {
    severity: 'error',
    code: 'yaml.duplicate-key',
    message: 'map keys must be unique',
    file: 'inventory/x.yaml',
    line: 5,
    column: 3,
  };
  return renderValidateText({
    diagnostics: [diagnostic],
    cis: 0,
    relations: 0,
    source: () => text,
    sensitive: new Map(),
    colors: pc.createColors(false),
    secretKinds,
  });
}

describe('a document that failed to load is not quoted when it may hold a secret', () => {
  // attack: only a line matching `kind: Secret` exactly suppressed the excerpts
  it.each([
    ['a comment after the kind', `apiVersion: v1\nkind: Secret  # db\nmetadata: {name: s}\nstringData:\n  pin: ${PIN}\n  pin: x\n`],
    ['a tagged kind', `apiVersion: v1\nkind: !!str Secret\nmetadata: {name: s}\nstringData:\n  pin: ${PIN}\n`],
    ['a JSON-style document', `{"apiVersion": "v1",\n "kind": "Secret",\n "metadata": {"name": "s"},\n "stringData": {\n  "pin": "${PIN}", "pin": "x"}}\n`],
    [
      'a kind with schema secret fields (a duplicated password key)',
      `apiVersion: plumb.io/v1\nkind: Database\nmetadata: {name: db}\nspec:\n  password: ${PIN}\n  password: x\n`,
    ],
    ['no readable kind at all', `apiVersion: v1\nki nd: Secret\nmetadata: {name: s}\nstringData:\n  pin: ${PIN}\n`],
  ])('%s', (_name, text) => {
    const out = render(text);
    expect(out).toContain('inventory/x.yaml:5:3');
    expect(out).not.toContain(PIN);
  });

  it('still quotes the line of a document whose kinds hold no secret', () => {
    const out = render('apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: a}\nspec:\n  tier: web\n  tier: x\n');
    expect(out).toContain('  tier: web');
  });

  it('reads kinds in every style', () => {
    expect(mayHoldSecret('kind: Host\n---\n"kind" : "secret"', new Set(['Secret']))).toBe(true);
    expect(mayHoldSecret('{kind: Host}', new Set(['Secret']))).toBe(false);
  });
});
