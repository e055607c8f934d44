import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { capacitySchema } from '../capacity/capacity-schema.js';
import type { KindSchema } from '../load/types.js';
import { SECRET_KEYWORD } from './secret-fields.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export type KindValidation =
  | { readonly ok: true }
  | { readonly ok: false; readonly errors: readonly ErrorObject[] }
  | { readonly ok: false; readonly schemaError: string };

/**
 * One Ajv instance per repository, each kind's schema compiled once, on first
 * use, and cached by kind: compiling is the expensive part (milliseconds per
 * schema), validating a compiled schema costs about a microsecond per CI.
 * `strict: false` because repositories bring their own schemas and an unknown
 * keyword there should not stop validation; `x-plumb-secret` is registered as an
 * annotation-only keyword.
 */
export function createKindValidators(schemas: ReadonlyMap<string, KindSchema>): (kind: string, document: unknown) => KindValidation {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addKeyword({ keyword: SECRET_KEYWORD, schemaType: 'boolean' });
  // shared blocks kind schemas reference by $id (the `capacity:` list)
  ajv.addSchema(capacitySchema());
  const cache = new Map<string, ValidateFunction | string>();

  function compiled(kind: string): ValidateFunction | string {
    let entry = cache.get(kind);
    if (entry === undefined) {
      const source = schemas.get(kind);
      try {
        entry = source ? ajv.compile(source.schema) : `no schema for kind ${kind}`;
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
