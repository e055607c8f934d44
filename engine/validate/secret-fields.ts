import type { KindSchema } from '../load/types.js';
import { schemaSecretPointers, SECRET_KEYWORD } from '../redact/secret-pointers.js';

/**
 * Fields a kind schema marks `"x-plumb-secret": true` hold values that must never
 * appear in any output (docs/security.md). The keyword itself does nothing
 * during validation; engine/redact/secret-pointers.ts tells redaction code where
 * the secrets are, and this is the validator's view of it.
 */
export { SECRET_KEYWORD };

/**
 * JSON Pointers (into the whole CI document) of every field the schema (a
 * loader KindSchema or the bare JSON Schema) marks secret: schemaSecretPointers.
 *
 * @example secretPointers({properties: {spec: {properties: {password: {type: 'string', 'x-plumb-secret': true}}}}})
 *   // → ['/spec/password']
 */
export function secretPointers(kindSchema: KindSchema | Readonly<Record<string, unknown>>): string[] {
  return schemaSecretPointers(isKindSchema(kindSchema) ? kindSchema.schema : kindSchema);
}

/** A loader KindSchema (`{kind, schema, file}`) rather than a bare JSON Schema. */
function isKindSchema(value: KindSchema | Readonly<Record<string, unknown>>): value is KindSchema {
  return typeof value.kind === 'string' && typeof value.file === 'string' && typeof value.schema === 'object' && value.schema !== null;
}
