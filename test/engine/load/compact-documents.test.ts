import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactDocuments } from '../../../engine/load/compact-documents.js';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';
import { jsonExact } from '../../../engine/model/json-exact.js';
import type { RawDocument } from '../../../engine/model/ci.js';

const origin = (doc: number) => ({ file: 'inventory/a.yaml', doc, line: doc + 1, column: 1 });

describe('compactDocuments', () => {
  it('gives equal values and the same origins for any JSON-like documents', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue({ noUnicodeString: false }))), (values) => {
        const documents: RawDocument[] = values.map((value, i) => ({ origin: origin(i), value }));
        const compact = compactDocuments(documents);
        expect(compact.map((d) => d.value)).toStrictEqual(values);
        expect(compact.map((d) => d.origin)).toStrictEqual(documents.map((d) => d.origin));
      }),
    );
  });

  it('equals what the parser gave for parsed YAML files, a __proto__ key and secrets pointers included', () => {
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a-rather-long-name-for-slicing\ndata:\n  __proto__: kept\n  "x": "a value longer than thirteen characters"\n',
      'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: h, labels: {tier: web}}\nspec: {cpu: 2.5, on: true, list: [1, -3, null, "s"]}\n',
    ].join('---\n');
    const parsed = parseYamlFile(text, 'inventory/a.yaml', { maxAliases: 100 });
    const withSecrets = parsed.documents.map((d, i) => (i === 0 ? { ...d, secrets: ['/data/x'] } : d));
    const compact = compactDocuments(withSecrets);
    expect(compact).toStrictEqual(withSecrets);
    expect(Object.keys((compact[0].value as { data: object }).data)).toEqual(['__proto__', 'x']);
    // a copy, not the parser's objects
    expect(compact[0].value).not.toBe(withSecrets[0].value);
  });

  it('keeps documents JSON would change as they are: a shared object (a YAML alias), -0', () => {
    const shared = { a: 1 };
    const aliased: RawDocument[] = [{ origin: origin(0), value: { x: shared, y: shared } }];
    expect(compactDocuments(aliased)[0].value).toBe(aliased[0].value);
    const negativeZero: RawDocument[] = [{ origin: origin(0), value: { n: -0 } }];
    expect(compactDocuments(negativeZero)[0].value).toBe(negativeZero[0].value);
    const parsed = parseYamlFile('a: &x {b: 1}\nc: *x\n', 'inventory/a.yaml', { maxAliases: 100 });
    expect(compactDocuments(parsed.documents)).toBe(parsed.documents);
  });

  it('jsonExact says false for what JSON cannot hold exactly', () => {
    expect(jsonExact({ a: undefined })).toBe(false);
    const sparse = [1, 2, 3];
    delete sparse[1];
    expect(jsonExact(sparse)).toBe(false);
    expect(jsonExact({ d: new Date(0) })).toBe(false);
    expect(jsonExact(Number.NaN)).toBe(false);
    expect(jsonExact({ a: [1, 'x', null, true, { b: 2.5 }] })).toBe(true);
  });
});
