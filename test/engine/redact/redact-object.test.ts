import { describe, expect, it } from 'vitest';
import { redactObject } from '../../../engine/redact/redact-object.js';
import { schemaSecretPointers, secretPointersOf } from '../../../engine/redact/secret-pointers.js';

describe('redactObject', () => {
  it('replaces the values under secret pointers, keeps keys, and leaves the input alone', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'QQ==', b: 'Qg==' }, stringData: { c: 'plain' } };
    const before = structuredClone(secret);
    expect(redactObject(secret, secretPointersOf(secret))).toEqual({
      ...secret,
      data: { a: '(sensitive)', b: '(sensitive)' },
      stringData: { c: '(sensitive)' },
    });
    expect(secret).toEqual(before);
  });

  it('redacts a scalar where a map of secrets was expected', () => {
    expect(redactObject({ kind: 'Secret', apiVersion: 'v1', data: 'oops' }, ['/data/*'])).toEqual({ kind: 'Secret', apiVersion: 'v1', data: '(sensitive)' });
  });

  it('walks list items with *', () => {
    expect(redactObject({ spec: { users: [{ name: 'a', password: 'p1' }, { name: 'b' }] } }, ['/spec/users/*/password'])).toEqual({
      spec: { users: [{ name: 'a', password: '(sensitive)' }, { name: 'b' }] },
    });
  });
});

describe('schemaSecretPointers', () => {
  it('finds x-plumb-secret fields through properties, items, additionalProperties and allOf', () => {
    const spec = {
      type: 'object',
      properties: {
        password: { type: 'string', 'x-plumb-secret': true },
        users: { type: 'array', items: { properties: { token: { 'x-plumb-secret': true } } } },
        extra: { additionalProperties: { 'x-plumb-secret': true } },
      },
      allOf: [{ properties: { key: { 'x-plumb-secret': true } } }],
    };
    expect(schemaSecretPointers({ properties: { spec } })).toEqual(['/spec/extra/*', '/spec/key', '/spec/password', '/spec/users/*/token']);
  });

  // attack: the plan's old walker ignored $ref and guessed a /spec base for schemas without `spec`
  it('follows $ref, if/then/else and anyOf, and takes a top-level field at the top level', () => {
    const schema = {
      definitions: { secretString: { type: 'string', 'x-plumb-secret': true }, creds: { properties: { pin: { $ref: '#/definitions/secretString' } } } },
      properties: {
        apiKey: { $ref: '#/definitions/secretString' },
        spec: {
          properties: { nested: { items: { $ref: '#/definitions/creds' } } },
          if: { properties: { mode: { const: 'x' } } },
          then: { properties: { token: { 'x-plumb-secret': true } } },
          anyOf: [{ properties: { deep: { properties: { a: { properties: { b: { 'x-plumb-secret': true } } } } } } }],
        },
      },
    };
    expect(schemaSecretPointers(schema)).toEqual(['/apiKey', '/spec/deep/a/b', '/spec/nested/*/pin', '/spec/token']);
    const doc = { kind: 'Thing', apiKey: 'top-level-key', spec: { nested: [{ pin: 'pin-1234' }], token: 'tok-1234', deep: { a: { b: 'bee-1234' } } } };
    expect(redactObject(doc, secretPointersOf(doc, schema))).toEqual({
      kind: 'Thing',
      apiKey: '(sensitive)',
      spec: { nested: [{ pin: '(sensitive)' }], token: '(sensitive)', deep: { a: { b: '(sensitive)' } } },
    });
  });

  it("treats a Secret's last-applied-configuration annotation as secret, whatever its apiVersion", () => {
    const doc = { kind: 'Secret', metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"a":"c2VjcmV0"}}', other: 'x' } } };
    expect(redactObject(doc, secretPointersOf(doc))).toEqual({
      kind: 'Secret',
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '(sensitive)', other: 'x' } },
    });
  });
});
