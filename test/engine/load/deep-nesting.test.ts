import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';

/**
 * A document nested thousands of levels deep (`[[[[…]]]]`) runs the YAML
 * parser out of stack. That is said as what it is, at the file, line and
 * column — not as a syntax error whose hint sends the author looking for bad
 * indentation or quoting, and never as a stack trace.
 */
describe('a document nested too deeply to read', () => {
  it.each([
    ['a plumb CI', 'apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: web, namespace: shop}\nspec:\n  extra: '],
    ['a Kubernetes manifest read as kubectl reads it', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nflag: yes\ndata:\n  x: '],
  ])('%s: one diagnostic at its line, with a true hint', (_what, head) => {
    const n = 5000;
    const text = `${head}${'['.repeat(n)}${']'.repeat(n)}\n`;
    const { documents, diagnostics } = parseYamlFile(text, 'inventory/deep.yaml', { maxAliases: 100 });
    expect(documents).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: 'error',
      file: 'inventory/deep.yaml',
      message: 'the document nests too deeply to be read (thousands of levels of [ or {)',
      hint: 'flatten the document: no configuration needs that many nested levels',
    });
    expect(diagnostics[0].line).toBeGreaterThan(1);
  });
});
