import type { ErrorObject } from 'ajv';
import { codeSignatureValid, signCode } from '../cache/code-signature.js';
import { defaultContentCache } from '../cache/content-cache.js';
import { capacitySchema } from '../capacity/capacity-schema.js';
import { compileSchema, type SchemaCodeStore, type SchemaValidator } from '../json-schema/compile-schema.js';
import type { KindSchema } from '../load/types.js';

export type KindValidation =
  | { readonly ok: true }
  | { readonly ok: false; readonly errors: readonly ErrorObject[] }
  | { readonly ok: false; readonly schemaError: string };

/**
 * Each kind's schema made ready once per repository, on first use, and kept by
 * kind: plumb's built-in schemas come precompiled with the build, a
 * repository's own from the content cache after their first run
 * (engine/json-schema/compile-schema.ts); only a new or changed schema is
 * compiled (milliseconds per schema, plus loading ajv). Validating costs about
 * a microsecond per CI. `strict: false` because repositories bring their own
 * schemas and an unknown keyword there should not stop validation;
 * `x-plumb-secret` is an annotation-only keyword; kind schemas may `$ref` the
 * shared `capacity:` list by its $id.
 */
export function createKindValidators(schemas: ReadonlyMap<string, KindSchema>): (kind: string, document: unknown) => KindValidation {
  const cache = new Map<string, SchemaValidator | string>();
  const store = codeStore();

  function compiled(kind: string): SchemaValidator | string {
    let entry = cache.get(kind);
    if (entry === undefined) {
      const source = schemas.get(kind);
      try {
        entry = source ? compileSchema('kind', source.schema as object, { refs: [capacitySchema()], store }) : `no schema for kind ${kind}`;
      } catch (e) {
        entry = e instanceof Error ? e.message : String(e);
      }
      cache.set(kind, entry);
    }
    return entry;
  }

  return (kind, document) => {
    const validate = compiled(kind);
    if (typeof validate === 'string') return { ok: false, schemaError: validate };
    return validate(document) ? { ok: true } : { ok: false, errors: validate.errors ?? [] };
  };
}

/**
 * The content cache's `schema-code` namespace, when the cache is on: code that
 * is run, so each entry carries an HMAC under this user's key kept outside the
 * cache (engine/cache/code-signature.ts) and is run only when it verifies. A
 * checksum is no defence here: whoever can write a shared or restored cache
 * directory could plant a validator that runs with plumb's credentials.
 */
function codeStore(): SchemaCodeStore | undefined {
  const cache = defaultContentCache();
  if (!cache) return undefined;
  return {
    get: (key) => {
      const entry = cache.get<{ code?: unknown; mac?: unknown }>(SCHEMA_CODE_NAMESPACE, key);
      return typeof entry?.code === 'string' && codeSignatureValid(key, entry.code, entry.mac) ? entry.code : undefined;
    },
    set: (key, code) => {
      const mac = signCode(key, code);
      if (mac) cache.set(SCHEMA_CODE_NAMESPACE, key, { code, mac });
    },
  };
}

/** Entries are `{code, mac}` (the unsigned strings of the first format are never run). */
const SCHEMA_CODE_NAMESPACE = 'schema-code-2';
