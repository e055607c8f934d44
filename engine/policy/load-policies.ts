import type { Origin, RawDocument } from '../model/ci.js';
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { DEFAULT_NAMESPACE, refToId } from '../model/reference.js';
import { compileCel, CelCompileError } from './cel.js';
import { contentCacheFor, withContentCache } from '../cache/content-cache.js';
import { errorMessage, errorPointer, validatePolicyDocument, type PolicyKind } from './policy-schemas.js';
import { expiryInstant } from './exception-expiry.js';
import {
  POLICY_VARIABLES,
  type CompiledExpression,
  type CompiledPolicy,
  type CompiledValidation,
  type PolicyAction,
  type PolicyException,
  type PolicyScope,
  type PolicySeverity,
} from './types.js';
import type { Code } from '../model/codes.js';

export type Locate = (origin: Origin, pointer: string) => { line: number; column: number };

export interface LoadedPolicies {
  readonly policies: readonly CompiledPolicy[];
  readonly exceptions: readonly PolicyException[];
  readonly diagnostics: readonly Diagnostic[];
}

interface PolicyDoc {
  metadata: { name: string; namespace?: string };
  spec: {
    action: PolicyAction;
    severity?: PolicySeverity;
    scope: PolicyScope;
    description?: string;
    match?: { kinds?: string[]; namespaces?: string[]; labels?: Record<string, string>; condition?: string };
    validations: { expression: string; message?: string; messageExpression?: string }[];
  };
}

interface ExceptionDoc {
  metadata: { name: string; namespace?: string };
  spec: { policies: string[]; targets?: string[]; reason: string; expires?: string };
}

/**
 * Reads the Policy and PolicyException documents of a repository: validates each
 * against its schema (`policy.schema`), compiles every CEL expression exactly
 * once (`policy.cel-compile`, placed at the expression's own line), and checks
 * names (`policy.duplicate`, `policy.exception-unknown-policy`).
 *
 * A policy with a schema or compile error is left out of `policies` — its
 * error diagnostic is what stops `validate`/`plan`, so callers must honour
 * error diagnostics before trusting an empty result.
 */
export function loadPolicies(docs: readonly RawDocument[], locate: Locate): LoadedPolicies {
  // the CEL parse cache follows the cache the engine caller loaded these documents with (contentCache: false: none)
  return withContentCache(contentCacheFor(docs), () => compilePolicies(docs, locate));
}

function compilePolicies(docs: readonly RawDocument[], locate: Locate): LoadedPolicies {
  const diagnostics: Diagnostic[] = [];
  const policies: CompiledPolicy[] = [];
  const exceptions: PolicyException[] = [];
  const firstByName = new Map<string, Origin>();

  const report = (origin: Origin, pointer: string, code: Code, message: string, hint?: string, severity: Diagnostic['severity'] = 'error') => {
    const { line, column } = locate(origin, pointer);
    diagnostics.push({ severity, code, message, ...(hint ? { hint } : {}), file: origin.file, line, column });
  };

  for (const doc of docs) {
    const kind = kindOf(doc.value);
    if (kind !== 'Policy' && kind !== 'PolicyException') {
      report(
        doc.origin,
        '/kind',
        'policy.unknown-kind',
        `document of kind ${kind ?? '(none)'} under the policy paths is not a Policy or PolicyException`,
        'move CIs under the inventory paths',
        'warning',
      );
      continue;
    }
    const value = normaliseDates(doc.value);
    const errors = schemaErrors(kind, value);
    if (errors.length > 0) {
      for (const e of errors)
        report(
          doc.origin,
          e.pointer,
          'policy.schema',
          `${kind.toLowerCase()} ${nameOf(value)}: ${e.message}`,
          `see schemas/${kind === 'Policy' ? 'policy' : 'policy-exception'}.schema.json`,
        );
      continue;
    }
    if (kind === 'PolicyException') {
      exceptions.push(toException(value as ExceptionDoc, doc.origin, locate));
      continue;
    }
    const policyDoc = value as PolicyDoc;
    const name = policyDoc.metadata.name;
    const first = firstByName.get(name);
    if (first) {
      const { line, column } = locate(doc.origin, '/metadata/name');
      const at = locate(first, '/metadata/name');
      diagnostics.push({
        severity: 'error',
        code: 'policy.duplicate',
        message: `policy ${name} is defined twice`,
        hint: 'policy names are global: rename one of them',
        file: doc.origin.file,
        line,
        column,
        related: [{ file: first.file, line: at.line, column: at.column, message: 'first defined here' }],
      });
      continue;
    }
    firstByName.set(name, doc.origin);
    const compiled = compilePolicy(policyDoc, doc.origin, locate, (pointer, error) =>
      report(
        doc.origin,
        pointer,
        error.code === 'policy.cel-cost' ? 'policy.cel-cost' : 'policy.cel-compile',
        `policy ${name}: ${pointer.split('/').pop()} does not compile: ${error.message}${error.line > 1 || error.column > 1 ? ` (at ${error.line}:${error.column} of the expression)` : ''}`,
        error.hint,
      ),
    );
    if (compiled) policies.push(compiled);
  }

  for (const exception of exceptions) {
    exception.policies.forEach((policy, i) => {
      if (!firstByName.has(policy)) {
        report(
          exception.origin,
          `/spec/policies/${i}`,
          'policy.exception-unknown-policy',
          `exception ${exception.name} names unknown policy ${policy}`,
          'check the policy name (metadata.name of a Policy)',
          'warning',
        );
      }
    });
  }
  return { policies, exceptions, diagnostics: sortDiagnostics(diagnostics) };
}

function compilePolicy(doc: PolicyDoc, origin: Origin, locate: Locate, onError: (pointer: string, error: CelCompileError) => void): CompiledPolicy | undefined {
  let failed = false;
  const compile = (source: string, pointer: string): CompiledExpression | undefined => {
    const program = compileCel(source, { variables: POLICY_VARIABLES });
    if (program instanceof CelCompileError) {
      failed = true;
      onError(pointer, program);
      return undefined;
    }
    // placed on first read: only a failure of the expression's own reads it, and placing costs a `yaml` parse of the file
    return withLazy({ source, program, pointer }, 'position', () => ({ file: origin.file, ...lineAndColumn(locate(origin, pointer)) }));
  };
  const { spec } = doc;
  const condition = spec.match?.condition === undefined ? undefined : compile(spec.match.condition, '/spec/match/condition');
  const validations = spec.validations.map((v, i): CompiledValidation | undefined => {
    const expression = compile(v.expression, `/spec/validations/${i}/expression`);
    const messageExpression = v.messageExpression === undefined ? undefined : compile(v.messageExpression, `/spec/validations/${i}/messageExpression`);
    return expression && { expression, ...(v.message === undefined ? {} : { message: v.message }), ...(messageExpression ? { messageExpression } : {}) };
  });
  if (failed) return undefined;
  const compiled = validations as CompiledValidation[];
  const expressions = [condition, ...compiled.flatMap((v) => [v.expression, v.messageExpression])];
  return {
    name: doc.metadata.name,
    action: spec.action,
    severity: spec.severity ?? 'medium',
    scope: spec.scope,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    match: {
      ...(spec.match?.kinds ? { kinds: new Set(spec.match.kinds.map((k) => k.toLowerCase())) } : {}),
      ...(spec.match?.namespaces ? { namespaces: new Set(spec.match.namespaces) } : {}),
      ...(spec.match?.labels ? { labels: spec.match.labels } : {}),
      ...(condition ? { condition } : {}),
    },
    validations: compiled,
    usesImpact: expressions.some((e) => e?.program.references.variables.has('impact')),
    readsNow: expressions.some((e) => e?.program.references.variables.has('now')),
    origin,
  };
}

function toException(doc: ExceptionDoc, origin: Origin, locate: Locate): PolicyException {
  const namespace = doc.metadata.namespace ?? DEFAULT_NAMESPACE;
  const expires = doc.spec.expires;
  const exception = {
    name: doc.metadata.name,
    namespace,
    policies: doc.spec.policies,
    ...(doc.spec.targets ? { targets: new Set(doc.spec.targets.map((t) => refToId(t, namespace) ?? t)) } : {}),
    reason: doc.spec.reason,
    ...(expires === undefined ? {} : { expires, expiresAt: expiryInstant(expires) }),
    origin,
  };
  // placed on first read: only an expired exception's warning reads it
  return expires === undefined ? exception : withLazy(exception, 'expiresPosition', () => lineAndColumn(locate(origin, '/spec/expires')));
}

/** Line and column alone: the locator may add the file it found a rendered field in. */
function lineAndColumn(at: { line: number; column: number }): { line: number; column: number } {
  return { line: at.line, column: at.column };
}

/**
 * `object` with a read-only, enumerable property `key` whose value `compute`
 * gives on its first read (then kept): a source position costs a `yaml` parse
 * of the policy file (engine/load/locate.ts), 18 ms of the bundled example's
 * 0.6 s `validate` when every expression was placed eagerly, and is read only
 * when something fails.
 */
function withLazy<T extends object, K extends string, V>(object: T, key: K, compute: () => V): T & { readonly [P in K]: V } {
  let value: V | undefined;
  let done = false;
  const get = () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as V;
  };
  return Object.defineProperty(object, key, { enumerable: true, get }) as T & { readonly [P in K]: V };
}

function schemaErrors(kind: PolicyKind, value: unknown): { pointer: string; message: string }[] {
  return validatePolicyDocument(kind, value)
    .filter((e) => !e.schemaPath.includes('/anyOf/')) // the anyOf summary says it once
    .map((e) => ({
      pointer: errorPointer(e),
      message:
        e.keyword === 'anyOf' && e.instancePath.endsWith('/expires')
          ? `${e.instancePath} must be a date (2027-03-31) or an RFC 3339 date-time (2027-03-31T18:00:00Z)`
          : errorMessage(e),
    }));
}

function kindOf(value: unknown): string | undefined {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : undefined;
}

function nameOf(value: unknown): string {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' ? name : '(unnamed)';
}

/** A YAML 1.1 loader turns `expires: 2027-03-31` into a Date; the schema wants the text. */
function normaliseDates(value: unknown): unknown {
  const spec = (value as { spec?: { expires?: unknown } } | null)?.spec;
  if (!(spec?.expires instanceof Date)) return value;
  const iso = spec.expires.toISOString();
  const text = iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  const v = value as { spec: Record<string, unknown> };
  return { ...v, spec: { ...v.spec, expires: text } };
}
