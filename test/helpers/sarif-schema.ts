/**
 * The official SARIF 2.1.0 JSON Schema (shipped in @microsoft/jest-sarif), as an
 * ajv validator. It is a draft-04 schema: ajv 8 cannot read its `$schema` and
 * `id`, so both are dropped, and its patterns are not Unicode-mode regexes.
 *
 * @example
 *   expect(sarifErrors(toSarif({ diagnostics }))).toEqual([])
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

let validate: ValidateFunction | undefined;

export function sarifValidator(): ValidateFunction {
  if (validate) return validate;
  const require = createRequire(import.meta.url);
  const path = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const { $schema: _draft, id: _id, ...schema } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
  addFormats(ajv);
  validate = ajv.compile(schema);
  return validate;
}

/** Schema violations of a SARIF log as `instancePath message` lines; empty when it is valid. */
export function sarifErrors(log: unknown): string[] {
  const v = sarifValidator();
  return v(log) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
