import type { ErrorObject } from 'ajv';
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

/** The content cache's `schema-code` namespace, when the cache is on. */
function codeStore(): SchemaCodeStore | undefined {
  const cache = defaultContentCache();
  if (!cache) return undefined;
  return {
    get: (key) => {
      const code = cache.get<unknown>('schema-code', key);
      return typeof code === 'string' ? code : undefined;
    },
    set: (key, code) => cache.set('schema-code', key, code),
  };
}
