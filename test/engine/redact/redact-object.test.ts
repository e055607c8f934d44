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
    const schema = {
      type: 'object',
      properties: {
        password: { type: 'string', 'x-plumb-secret': true },
        users: { type: 'array', items: { properties: { token: { 'x-plumb-secret': true } } } },
        extra: { additionalProperties: { 'x-plumb-secret': true } },
      },
      allOf: [{ properties: { key: { 'x-plumb-secret': true } } }],
    };
    expect(schemaSecretPointers(schema).sort()).toEqual(['/spec/extra/*', '/spec/key', '/spec/password', '/spec/users/*/token']);
  });
});
