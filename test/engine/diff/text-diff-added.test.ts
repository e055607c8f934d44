import { createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { unifiedYamlDiff } from '../../../engine/diff/text-diff.js';

/** What the diff library writes for `before` → `after`, from the `---` header on (text-diff.ts's own rendering). */
function libraryPatch(id: string, before: string, after: string): string {
  const text = createTwoFilesPatch(`observed/${id}`, `desired/${id}`, before, after, undefined, undefined, { context: 3 });
  return text.slice(text.indexOf('--- '));
}

const yaml = (v: unknown) => stringify(v, { lineWidth: 0, aliasDuplicateObjects: false });

describe('the text diff of a create', () => {
  it('is what the diff library writes when every line is added, for any document', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), (id, desired) => {
        expect(unifiedYamlDiff(id, undefined, desired)).toBe(libraryPatch(id, '', yaml(desired)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps multi-line strings, empty lines and a Kubernetes object line for line', () => {
    const desired = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'cm' } },
      data: { 'nginx.conf': 'server {\n\n  listen 80;\n}\n', empty: '', trailing: 'no newline' },
    };
    const text = unifiedYamlDiff('configmap:shop/cm', undefined, desired);
    expect(text).toBe(libraryPatch('configmap:shop/cm', '', yaml(desired)));
    expect(text.split('\n').slice(0, 3)).toEqual([
      '--- observed/configmap:shop/cm',
      '+++ desired/configmap:shop/cm',
      `@@ -0,0 +1,${yaml(desired).split('\n').length - 1} @@`,
    ]);
  });
});
