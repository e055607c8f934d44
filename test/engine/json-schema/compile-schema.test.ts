import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePolicyDocument } from '../../../engine/policy/policy-schemas.js';
import { validateSignalList } from '../../../engine/capacity/signals.js';
import {
  compileSchema,
  generate,
  resetCompiledSchemas,
  schemaCompileStats,
  type SchemaCodeStore,
  type SchemaValidator,
} from '../../../engine/json-schema/compile-schema.js';
import { builtinSchemas, precompileBuiltinSchemas } from '../../../engine/json-schema/precompile.js';
import { validate } from '../../../engine/operations/validate.js';
import { readSnapshot } from '../../../engine/providers/snapshot/read-snapshot.js';
import { readDocs, ROOT } from '../example/read-example.js';

const SCHEMAS = join(ROOT, 'schemas');
const read = (file: string) => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as object;

let out: string;
beforeAll(() => {
  out = join(mkdtempSync(join(tmpdir(), 'plumb-ajv-')), 'ajv-standalone');
  precompileBuiltinSchemas(SCHEMAS, out);
});
afterAll(() => {
  resetCompiledSchemas();
  rmSync(join(out, '..'), { recursive: true, force: true });
});

/** Every document of the example, and each with a field broken (wrong type, an unknown key), for both validators to judge. */
function corpus(): unknown[] {
  const docs = readDocs('inventory').map((d) => d.doc);
  const broken = docs.flatMap((d) => [
    { ...d, spec: 42 },
    { ...d, metadata: { ...(d.metadata ?? {}), name: ['not', 'a', 'name'] } },
    { ...d, spec: { ...(d.spec ?? {}), unknownField: true, capacity: [{ signal: 7 }] } },
  ]);
  return [...docs, ...broken, {}, null, 'text'];
}

const judge = (v: SchemaValidator, doc: unknown) => (v(doc) ? [] : JSON.parse(JSON.stringify(v.errors)));

describe('precompiled schemas (npm run build → dist/ajv-standalone)', () => {
  it('judges every document exactly as ajv compiling the schema at run time does, errors included', () => {
    resetCompiledSchemas(out);
    const docs = corpus();
    for (const { file, profile, refs } of builtinSchemas(SCHEMAS)) {
      const schema = read(file);
      const refSchemas = refs.map(read);
      const before = schemaCompileStats.precompiled;
      const pre = compileSchema(profile, schema, { refs: refSchemas });
      expect(schemaCompileStats.precompiled, file).toBe(before + 1);
      const { validate: fresh } = generate(profile, schema, refSchemas);
      for (const doc of docs) expect(judge(pre, doc), file).toEqual(judge(fresh, doc));
    }
    expect(schemaCompileStats.compiled).toBe(0);
  });

  it('every caller finds its schema precompiled: validate, a snapshot, a capacity list, a policy compile nothing', async () => {
    resetCompiledSchemas(out);
    const { diagnostics } = await validate({ cwd: ROOT, repo: ROOT });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    await readSnapshot(join(ROOT, 'observed/snapshot.yaml'), 'observed/snapshot.yaml');
    validateSignalList([]);
    validatePolicyDocument('PolicyException', {});
    expect(schemaCompileStats.compiled).toBe(0);
    expect(schemaCompileStats.precompiled).toBeGreaterThanOrEqual(builtinSchemas(SCHEMAS).length - 1);
  });

  it("compiles a repository's own schema once, then takes its code from the store; a damaged entry is compiled again", () => {
    resetCompiledSchemas(out);
    const stored = new Map<string, string>();
    const store: SchemaCodeStore = { get: (k) => stored.get(k), set: (k, code) => stored.set(k, code) };
    const schema = { type: 'object', required: ['spec'], properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } } } };
    const first = compileSchema('kind', schema, { store });
    expect(schemaCompileStats).toMatchObject({ compiled: 1, stored: 0 });
    expect(stored.size).toBe(1);
    resetCompiledSchemas(out);
    const second = compileSchema('kind', schema, { store });
    expect(schemaCompileStats).toMatchObject({ compiled: 0, stored: 1 });
    for (const doc of [{ spec: { size: 0 } }, { spec: { size: 3 } }, {}]) expect(judge(second, doc)).toEqual(judge(first, doc));
    const [key] = stored.keys();
    stored.set(key, 'module.exports = 42; throw new Error("damaged")');
    resetCompiledSchemas(out);
    expect(compileSchema('kind', schema, { store })({ spec: { size: 2 } })).toBe(true);
    expect(schemaCompileStats).toMatchObject({ compiled: 1, stored: 0 });
  });

  it('a schema that does not compile throws as ajv does (validate reports schema.invalid)', () => {
    resetCompiledSchemas(out);
    expect(() => compileSchema('kind', { type: 'no-such-type' })).toThrow(/type/);
  });

  it('a file in the precompiled directory is used only under its own key: another schema text misses it', () => {
    resetCompiledSchemas(out);
    const changed = { ...read('Host.schema.json'), description: 'changed' };
    compileSchema('kind', changed, { refs: [read('capacity.schema.json')] });
    expect(schemaCompileStats).toMatchObject({ precompiled: 0, compiled: 1 });
  });
});
