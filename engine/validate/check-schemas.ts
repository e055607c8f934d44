import type { ErrorObject } from 'ajv';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { KindSchema } from '../load/types.js';
import { isValidName, refToId } from '../model/reference.js';
import { isRelationType } from '../model/relations.js';
import { createKindValidators } from './kind-validators.js';
import { at, type Locate } from './place.js';
import { escapePointerToken } from '../model/json-pointer.js';

/**
 * `schema.violation`: every ajv error of every plumb.io CI against its kind's
 * schema (which validates the whole document), placed at the YAML node its
 * `instancePath` names. `schema.invalid`: a kind schema that does not compile,
 * reported once at the schema file. Messages never quote the data — a value may
 * be a secret. `validate`: validators compiled before (validating file by file
 * compiles each kind once: engine/validate/local-checks.ts).
 */
export function checkSchemas(
  cis: readonly CI[],
  schemas: ReadonlyMap<string, KindSchema>,
  locate: Locate,
  validate: ReturnType<typeof createKindValidators> = createKindValidators(schemas),
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const brokenKinds = new Set<string>();
  for (const ci of cis) {
    if (ci.kubernetes) continue;
    const result = validate(ci.kind, ci.object);
    if (result.ok) continue;
    if ('schemaError' in result) {
      if (!brokenKinds.has(ci.kind)) {
        brokenKinds.add(ci.kind);
        diagnostics.push({
          severity: 'error',
          code: 'schema.invalid',
          message: `the schema of kind ${ci.kind} does not compile: ${result.schemaError}`,
          hint: 'fix the JSON Schema (draft-07); until then no CI of this kind is schema-checked',
          file: schemas.get(ci.kind)?.file,
        });
      }
      continue;
    }
    for (const error of result.errors) {
      if (reportedElsewhere(ci, error)) continue;
      diagnostics.push(
        at(locate, {
          code: 'schema.violation',
          message: describe(ci.kind, error),
          hint: hintFor(error),
          ci,
          pointer: pointerOf(error),
        }),
      );
    }
  }
  return diagnostics;
}

/**
 * Schema errors that a dedicated check reports better (name.invalid,
 * ref.malformed, relation.unknown-type), dropped so one mistake gives one
 * diagnostic. Only when that check does fire: a schema stricter than plumb's
 * own rules still reports its own violation.
 */
function reportedElsewhere(ci: CI, error: ErrorObject): boolean {
  const path = error.instancePath;
  const shape = error.keyword === 'pattern' || error.keyword === 'maxLength' || error.keyword === 'format';
  if (path === '/metadata/name') return shape && !isValidName(ci.name);
  if (path === '/metadata/owner') return shape && typeof ci.owner === 'string' && refToId(ci.owner, ci.namespace) === undefined;
  const relation = /^\/relations\/(\d+)\/(type|target)$/.exec(path);
  if (!relation) return false;
  const entry = (ci.object.relations as unknown[] | undefined)?.[Number(relation[1])] as Record<string, unknown> | undefined;
  const value = entry?.[relation[2]];
  if (typeof value !== 'string') return false;
  if (relation[2] === 'type') return error.keyword === 'enum' && !isRelationType(value);
  return shape && refToId(value, ci.namespace) === undefined;
}

/** The pointer of the node at fault: the extra or missing property itself where ajv names one. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return `${error.instancePath}/${escapePointerToken(params.additionalProperty)}`;
  }
  return error.instancePath;
}

function describe(kind: string, error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const where = error.instancePath === '' ? kind : `${kind} ${error.instancePath}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where}: unknown field "${String(params.additionalProperty)}"`;
    case 'required':
      return `${where}: missing required field "${String(params.missingProperty)}"`;
    case 'const':
      return `${where} must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

function hintFor(error: ErrorObject): string | undefined {
  if (error.keyword === 'additionalProperties') return 'remove the field, or check its spelling against the kind schema';
  if (error.keyword === 'required') return 'add the field; see the kind schema for its shape';
  return undefined;
}
