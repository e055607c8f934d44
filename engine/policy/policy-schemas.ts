import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { builtinSchemasDir } from '../config/package-dir.js';
import { compileSchema, type SchemaValidator } from '../json-schema/compile-schema.js';
import { escapePointerToken } from '../model/json-pointer.js';

export type PolicyKind = 'Policy' | 'PolicyException';

const FILES: Record<PolicyKind, string> = {
  Policy: 'policy.schema.json',
  PolicyException: 'policy-exception.schema.json',
};

let validators: Record<PolicyKind, SchemaValidator> | undefined;

/**
 * Validates a Policy or PolicyException document against schemas/policy*.schema.json.
 * The two schemas are made ready once per process, on first use (precompiled by the build).
 */
export function validatePolicyDocument(kind: PolicyKind, document: unknown): readonly ErrorObject[] {
  validators ??= compileValidators();
  const validate = validators[kind];
  return validate(document) ? [] : (validate.errors ?? []);
}

function compileValidators(): Record<PolicyKind, SchemaValidator> {
  const load = (file: string) => JSON.parse(readFileSync(join(builtinSchemasDir(), file), 'utf8')) as Record<string, unknown>;
  return { Policy: compileSchema('policy', load(FILES.Policy)), PolicyException: compileSchema('policy', load(FILES.PolicyException)) };
}

/** The JSON Pointer an ajv error is about: the offending member for additional/required properties. */
export function errorPointer(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; missingProperty?: string };
  if (error.keyword === 'additionalProperties' && params.additionalProperty) {
    return `${error.instancePath}/${escapePointerToken(params.additionalProperty)}`;
  }
  return error.instancePath;
}

/** An ajv error as a lowercase sentence: `/spec/action must be equal to one of the allowed values (deny, warn, audit)`. */
export function errorMessage(error: ErrorObject): string {
  const where = error.instancePath || '(document)';
  const params = error.params as { allowedValues?: unknown[]; additionalProperty?: string; allowedValue?: unknown };
  let message = `${where} ${error.message ?? 'is invalid'}`;
  if (params.allowedValues) message += ` (${params.allowedValues.join(', ')})`;
  if (params.allowedValue !== undefined) message += ` (${String(params.allowedValue)})`;
  if (params.additionalProperty) message += ` ('${params.additionalProperty}')`;
  return message;
}
