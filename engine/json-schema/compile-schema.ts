import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, Options } from 'ajv';
import { SECRET_KEYWORD } from '../redact/secret-pointers.js';

/**
 * Bump when what a key stands for changes (how code is generated or loaded):
 * precompiled files and cached code of another format then simply miss.
 */
export const SCHEMA_CODE_FORMAT = 1;

/** How a family of schemas is compiled: the JSON Schema dialect, ajv's options, formats, plumb's keywords. */
export interface SchemaProfile {
  /** `draft-07` (ajv's default class) or `2020-12` (Ajv2020: snapshots). */
  readonly dialect: 'draft-07' | '2020-12';
  readonly options: Readonly<Pick<Options, 'allErrors' | 'strict' | 'verbose' | 'useDefaults'>>;
  /** ajv-formats' full formats (`uri`, `date-time`, `ipv4`…). */
  readonly formats: boolean;
  /** `x-plumb-secret` is a known (annotation-only) keyword. */
  readonly secretKeyword: boolean;
}

/**
 * Every schema plumb validates with is compiled under one of these profiles;
 * a profile's settings are part of each compiled schema's key, so the code
 * precompiled at build time is found only for the settings it was made with.
 */
export const SCHEMA_PROFILES = {
  /** CI kind schemas, built-in and the repository's own (`strict: false`: repositories bring their own keywords). */
  kind: { dialect: 'draft-07', options: { allErrors: true, strict: false }, formats: true, secretKeyword: true },
  /** plumb.yaml (verbose: error messages quote the failing schema's description). */
  config: { dialect: 'draft-07', options: { allErrors: true, strict: false, verbose: true }, formats: false, secretKeyword: false },
  /** Policy and PolicyException documents. */
  policy: { dialect: 'draft-07', options: { allErrors: true, strict: false, useDefaults: false }, formats: true, secretKeyword: false },
  /** Snapshot files of the snapshot provider. */
  snapshot: { dialect: '2020-12', options: { allErrors: true, strict: false }, formats: false, secretKeyword: false },
  /** A `capacity:` list on its own (the first error is enough). */
  capacity: { dialect: 'draft-07', options: { allErrors: false, strict: false }, formats: false, secretKeyword: false },
} as const satisfies Record<string, SchemaProfile>;

export type SchemaProfileName = keyof typeof SCHEMA_PROFILES;

/** A compiled schema: true when `data` passes; otherwise `errors` holds ajv's errors. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Where generated validator code is kept between runs (the content cache), keyed by {@link schemaKey}. */
export interface SchemaCodeStore {
  get(key: string): string | undefined;
  set(key: string, code: string): void;
}

/** How a schema was made ready, for tests and benchmarks. */
export const schemaCompileStats = { precompiled: 0, stored: 0, compiled: 0 };

const require = createRequire(import.meta.url);
let ajvVersion: string | undefined;
const loaded = new Map<string, SchemaValidator>();
let precompiledOverride: string | undefined;

/**
 * Forgets the validators made in this process and the stats, and (tests) reads
 * precompiled code from `dir` instead of the build's until called again.
 */
export function resetCompiledSchemas(dir?: string): void {
  loaded.clear();
  precompiledOverride = dir;
  Object.assign(schemaCompileStats, { precompiled: 0, stored: 0, compiled: 0 });
}

/**
 * The key of a schema under a profile: SHA-256 over the code format, ajv's
 * version, the profile's settings, the schemas it may `$ref` by `$id`, and the
 * schema itself — so the same schema text finds the same compiled code, from
 * a build or a cache, and a changed schema, setting or ajv never does.
 */
export function schemaKey(profile: SchemaProfileName, schema: unknown, refs: readonly unknown[] = []): string {
  ajvVersion ??= (JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string }).version;
  return createHash('sha256')
    .update(`${SCHEMA_CODE_FORMAT}\0${ajvVersion}\0${profile}\0${JSON.stringify(SCHEMA_PROFILES[profile])}\0${JSON.stringify(refs)}\0${JSON.stringify(schema)}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * The directory of the validators precompiled by `npm run build`
 * (dist/ajv-standalone/, written by engine/json-schema/precompile.ts): beside
 * this module's engine directory when it runs from dist/, and under dist/ when
 * it runs from the TypeScript sources (tests), where a build may have made it.
 */
export function precompiledDir(): string {
  if (precompiledOverride !== undefined) return precompiledOverride;
  const up = fileURLToPath(new URL('../../', import.meta.url));
  return basename(up) === 'dist' ? join(up, 'ajv-standalone') : join(up, 'dist', 'ajv-standalone');
}

/**
 * A validator for `schema` under `profile`, ready without compiling whenever
 * it can be: first the validators already made in this process, then the code
 * `npm run build` precompiled for plumb's built-in schemas (ajv standalone
 * code, one CommonJS file per key), then `store` (the content cache keeps the
 * code of a repository's own schemas between runs), and only then ajv, loaded
 * on this first need, which compiles it — and whose generated code goes to
 * `store` for the next run. Compiling costs milliseconds per schema plus
 * ~50 ms to load ajv; loading generated code costs a fraction of that.
 *
 * @param refs schemas `schema` may `$ref` by their `$id` (the `capacity:` list of kind schemas).
 * @throws what ajv throws for a schema that does not compile (callers report it as `schema.invalid`).
 */
export function compileSchema(
  profile: SchemaProfileName,
  schema: object,
  options: { refs?: readonly object[]; store?: SchemaCodeStore; dir?: string } = {},
): SchemaValidator {
  const refs = options.refs ?? [];
  const key = schemaKey(profile, schema, refs);
  let validator = loaded.get(key);
  if (validator) return validator;
  const file = join(options.dir ?? precompiledDir(), `${key}.cjs`);
  validator = existsSync(file) ? instantiate(readFileSync(file, 'utf8')) : undefined;
  if (validator) schemaCompileStats.precompiled++;
  else {
    const code = options.store?.get(key);
    validator = code === undefined ? undefined : instantiate(code);
    if (validator) schemaCompileStats.stored++;
    else {
      const made = generate(profile, schema, refs);
      validator = made.validate;
      schemaCompileStats.compiled++;
      options.store?.set(key, made.code);
    }
  }
  loaded.set(key, validator);
  return validator;
}

/**
 * Compiles with ajv and generates the standalone code of the result
 * (CommonJS: `module.exports = validate`, requiring only ajv's runtime helpers
 * and ajv-formats' formats).
 */
export function generate(profile: SchemaProfileName, schema: object, refs: readonly object[]): { validate: SchemaValidator; code: string } {
  const settings: SchemaProfile = SCHEMA_PROFILES[profile];
  const options: Options = { ...settings.options, code: { source: true } };
  const ajv: Ajv = settings.dialect === '2020-12' ? new (require('ajv/dist/2020').default)(options) : new (require('ajv').default)(options);
  if (settings.formats) require('ajv-formats').default(ajv);
  if (settings.secretKeyword) ajv.addKeyword({ keyword: SECRET_KEYWORD, schemaType: 'boolean' });
  for (const ref of refs) ajv.addSchema(ref);
  const validate = ajv.compile(schema);
  const standaloneCode = require('ajv/dist/standalone').default as (ajv: Ajv, validate: unknown) => string;
  return { validate, code: standaloneCode(ajv, validate) };
}

/**
 * Runs standalone code as a CommonJS module whose `require` resolves from this
 * module (ajv's runtime helpers, ajv-formats), wherever the code was read
 * from; undefined when it does not yield a function (a damaged entry is
 * compiled again).
 */
function instantiate(code: string): SchemaValidator | undefined {
  try {
    const module = { exports: {} as unknown };
    new Function('require', 'module', 'exports', code)(require, module, module.exports);
    return typeof module.exports === 'function' ? (module.exports as SchemaValidator) : undefined;
  } catch {
    return undefined;
  }
}
