import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { codeSigningKeyFile, resetCodeSigningKey } from '../../../engine/cache/code-signature.js';
import { defaultContentCache, resetContentCache } from '../../../engine/cache/content-cache.js';
import { capacitySchema } from '../../../engine/capacity/capacity-schema.js';
import { resetCompiledSchemas, schemaCompileStats, schemaKey } from '../../../engine/json-schema/compile-schema.js';
import { createKindValidators } from '../../../engine/validate/kind-validators.js';

/**
 * The content cache keeps ajv's generated code for a repository's own kind
 * schemas, and plumb runs that code. A cache directory is shared or restored
 * by design (PLUMB_CACHE_DIR on a CI cache), so code from it runs only when it
 * carries this user's signature, whose key lives outside the cache.
 */
describe('code kept in the content cache runs only when this user signed it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-code-signature-'));
  const saved = { PLUMB_CACHE_DIR: process.env.PLUMB_CACHE_DIR, XDG_STATE_HOME: process.env.XDG_STATE_HOME, PLUMB_CACHE: process.env.PLUMB_CACHE };
  const marker = join(dir, 'planted-code-ran');
  const schema = { type: 'object', required: ['spec'], properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } } } };
  const schemas = new Map([['Widget', { kind: 'Widget', file: 'schemas/Widget.schema.json', schema }]]);
  const withStateDir = (name: string) => {
    process.env.XDG_STATE_HOME = join(dir, name);
    resetCodeSigningKey();
  };
  const run = () => {
    resetCompiledSchemas();
    resetContentCache();
    const validate = createKindValidators(schemas);
    expect(validate('Widget', { spec: { size: 0 } }).ok).toBe(false);
    expect(validate('Widget', { spec: { size: 2 } }).ok).toBe(true);
    return { ...schemaCompileStats };
  };

  beforeEach(() => {
    process.env.PLUMB_CACHE_DIR = join(dir, 'cache');
    delete process.env.PLUMB_CACHE;
    withStateDir('state');
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    resetContentCache();
    resetCodeSigningKey();
    resetCompiledSchemas();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compiled once, then run from the cache; the key is 0600 in the state directory, not the cache', () => {
    expect(run()).toMatchObject({ compiled: 1, stored: 0 });
    expect(run()).toMatchObject({ compiled: 0, stored: 1 });
    const file = codeSigningKeyFile();
    expect(file.startsWith(join(dir, 'state'))).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('code planted in the cache (a valid entry, checksum and all) is not run: the schema is compiled again', () => {
    const key = schemaKey('kind', schema, [capacitySchema()]);
    const planted = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = () => true;`;
    resetContentCache();
    // the unsigned first format, and a forged signature in the current one
    defaultContentCache()!.set('schema-code', key, planted);
    defaultContentCache()!.set('schema-code-2', key, { code: planted, mac: Buffer.alloc(32) });
    expect(run()).toMatchObject({ compiled: 1, stored: 0 });
    expect(existsSync(marker)).toBe(false);
  });

  it("another user's (another state directory's) signed entries are compiled again, not run", () => {
    run();
    expect(run()).toMatchObject({ stored: 1 });
    withStateDir('other-user');
    expect(run()).toMatchObject({ compiled: 1, stored: 0 });
  });
});
