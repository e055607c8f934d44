import { celEnv, isCelError, parse, plan, type CelInput, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { closest } from 'fastest-levenshtein';
import { PlumbError } from '../model/errors.js';
import { celReferences, type CelReferences } from './cel-references.js';

/**
 * The thin adapter between plumb and its CEL library (@bufbuild/cel, which runs
 * the cel-spec conformance suite). Nothing else in plumb imports the library's
 * evaluator: swapping it means rewriting this file and cel-values.ts.
 *
 * The environment is the CEL standard library plus the `strings` extension
 * (`lowerAscii`, `split`, `join`, `indexOf`… — as in Kubernetes CEL).
 */
const env = celEnv({ funcs: strings });

/** Operators the library's planner implements itself rather than as functions. */
const PLANNER_BUILTINS = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '@not_strictly_false']);

/** A compiled expression: parsed and planned once, evaluated many times. */
export interface CelProgram {
  readonly source: string;
  readonly references: CelReferences;
  /** @internal the library's planned evaluator */
  readonly run: (bindings: Record<string, CelInput>) => unknown;
}

/** An expression that does not compile. `line`/`column` are 1-based within the expression text. */
export class CelCompileError extends PlumbError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number, hint?: string) {
    super('policy.cel-compile', message, { hint: hint ?? 'see https://cel.dev for the CEL syntax', data: { line, column } });
    this.name = 'CelCompileError';
    this.line = line;
    this.column = column;
  }
}

/** A run-time failure (no such field, no matching overload, division by zero…). */
export class CelEvalError extends PlumbError {
  constructor(message: string) {
    super('policy.cel-eval', message, { hint: 'guard optional fields with has(…) or `in`' });
    this.name = 'CelEvalError';
  }
}

export interface CompileOptions {
  /**
   * The variables the expression may read. When given, an unknown variable or
   * function is a compile error (with a did-you-mean), not a run-time one.
   * Without it, anything goes (the cel-spec conformance tests run that way).
   */
  readonly variables?: readonly string[];
}

/** Parses and plans `source` once. Never throws: a bad expression comes back as a CelCompileError. */
export function compileCel(source: string, options: CompileOptions = {}): CelProgram | CelCompileError {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (e) {
    const err = e as { rawMessage?: string; message?: string; location?: { start?: { line: number; column: number } } };
    const start = err.location?.start ?? { line: 1, column: 1 };
    return new CelCompileError(`syntax error: ${err.rawMessage ?? err.message ?? String(e)}`, start.line, start.column);
  }
  const references = celReferences(parsed.expr as unknown as Parameters<typeof celReferences>[0]);
  if (options.variables) {
    const undeclared = checkNames(references, options.variables);
    if (undeclared) return undeclared;
  }
  try {
    const run = plan(env, parsed) as (bindings: Record<string, CelInput>) => unknown;
    return { source, references, run };
  } catch (e) {
    return new CelCompileError(e instanceof Error ? e.message : String(e), 1, 1);
  }
}

function checkNames(references: CelReferences, variables: readonly string[]): CelCompileError | undefined {
  for (const name of references.variables) {
    if (!variables.includes(name)) {
      const guess = closest(name, [...variables]);
      return new CelCompileError(`undeclared reference to '${name}'`, 1, 1, `the variables are ${variables.join(', ')}; did you mean '${guess}'?`);
    }
  }
  for (const name of references.functions) {
    if (!PLANNER_BUILTINS.has(name) && !env.funcs.find(name)) {
      return new CelCompileError(`unknown function '${name}'`, 1, 1, 'see the CEL standard library and the strings extension');
    }
  }
  return undefined;
}

/**
 * Evaluates a program. `bindings` may hold getters: a variable is read only when
 * evaluation reaches it, which is how expensive variables (`impact`) stay lazy.
 * Values must already be CEL inputs (see toCelInput). Never throws.
 */
export function evaluateCel(program: CelProgram, bindings: Record<string, CelInput>): CelValue | CelEvalError {
  let result: unknown;
  try {
    result = program.run(bindings);
  } catch (e) {
    return new CelEvalError(e instanceof Error ? e.message : String(e));
  }
  if (isCelError(result)) return new CelEvalError(describeCelError(result.message));
  return result as CelValue;
}

/** The library says "unresolved attribute" for a variable that is not bound; say which words mean. */
function describeCelError(message: string): string {
  return message === 'unresolved attribute' ? 'unresolved attribute (a variable is not available in this scope)' : message;
}
