import { describe, expect, it } from 'vitest';
import { secretPointers } from '../../../engine/validate/secret-fields.js';
import { sensitiveLines } from '../../../engine/validate/sensitive-lines.js';
import { ci, kindSchema, makeRepo } from '../../helpers/make-repo.js';

describe('secretPointers', () => {
  it('lists every field marked x-plumb-secret, through items, maps, combinators and local refs', () => {
    const schema = {
      definitions: { credential: { type: 'object', properties: { password: { type: 'string', 'x-plumb-secret': true } } } },
      properties: {
        spec: {
          properties: {
            password: { type: 'string', 'x-plumb-secret': true },
            'conn/str': { type: 'string', 'x-plumb-secret': true },
            users: { type: 'array', items: { $ref: '#/definitions/credential' } },
            tokens: { type: 'object', additionalProperties: { type: 'string', 'x-plumb-secret': true } },
            port: { type: 'integer' },
          },
          oneOf: [{ properties: { apiKey: { 'x-plumb-secret': true } } }],
        },
      },
    };
    expect(secretPointers(schema)).toEqual(['/spec/apiKey', '/spec/conn~1str', '/spec/password', '/spec/tokens/*', '/spec/users/*/password']);
  });

  it('is empty for a schema without secrets, and survives recursive refs', () => {
    expect(secretPointers({ properties: { a: { $ref: '#' } } })).toEqual([]);
  });
});

describe('sensitiveLines', () => {
  it('locates the secret fields of the CIs in the files asked for, and the keys of Kubernetes Secrets', () => {
    const schema = kindSchema('Database', {
      properties: { password: { type: 'string', 'x-plumb-secret': true }, users: { items: { properties: { token: { 'x-plumb-secret': true } } } } },
    });
    const repo = makeRepo({
      schemas: [schema],
      cis: [
        ci({ kind: 'Database', name: 'a', file: 'a.yaml', spec: { password: 'x', users: [{ token: 't' }, { name: 'n' }] } }),
        ci({ kind: 'Database', name: 'b', file: 'b.yaml', spec: { password: 'x' } }),
        ci({ apiVersion: 'v1', kind: 'Secret', name: 's', namespace: 'shop', file: 'a.yaml', line: 20, extra: { data: { k: 'dg==' } } }),
      ],
    });
    expect(sensitiveLines(repo, new Set(['a.yaml']))).toEqual(new Map([['a.yaml', new Set([3, 5, 21, 22])]]));
    expect(repo.located).toEqual(['a.yaml#/spec/password', 'a.yaml#/spec/users/0/token', 'a.yaml#/data', 'a.yaml#/data/k']);
  });
});

describe('secretPointers of a loader KindSchema', () => {
  it('reads the schema inside it', () => {
    expect(secretPointers(kindSchema('Database', { properties: { password: { 'x-plumb-secret': true } } }))).toEqual(['/spec/password']);
  });
});
