import { celEnv, celFunc, CelScalar, isCelError, parse, plan, type CelInput, type CelValue } from '@bufbuild/cel';
import { ParsedExprSchema } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { defaultContentCache } from '../cache/content-cache.js';
import { strings } from '@bufbuild/cel/ext';
import { closest } from 'fastest-levenshtein';
import { PlumbError } from '../model/errors.js';
import { celReferences, type CelReferences } from './cel-references.js';
import { CEL_TIME_FUNCS } from './cel-time.js';
import { estimateCost, instrumentComprehensions, MAX_ESTIMATED_COST, MAX_RUNTIME_COST, maxId, meter, STEP_FUNCTION } from './cel-cost.js';

/**
 * The thin adapter between plumb and its CEL library (@bufbuild/cel, which runs
 * the cel-spec conformance suite). Nothing else in plumb imports the library's
 * evaluator: swapping it means rewriting this file and cel-values.ts.
 *
 * The environment is the CEL standard library plus the `strings` extension
 * (`lowerAscii`, `split`, `join`, `indexOf`… — as in Kubernetes CEL), plus the
 * step counter compiled into comprehensions (cel-cost.ts). Expressions whose
 * estimated cost exceeds MAX_ESTIMATED_COST do not compile (`policy.cel-cost`).
 */
const costStep = celFunc(STEP_FUNCTION, [CelScalar.BOOL], CelScalar.BOOL, (condition) => {
  if (++meter.used > meter.limit) {
    meter.exceeded = true;
    throw new Error('cost budget exceeded');
  }
  return condition;
});
const env = celEnv({
  funcs: [...(strings as unknown as Parameters<typeof celEnv>[0] extends { funcs?: infer F } ? F & unknown[] : never), costStep, ...CEL_TIME_FUNCS],
});

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
  constructor(message: string, line: number, column: number, hint?: string, code: 'policy.cel-compile' | 'policy.cel-cost' = 'policy.cel-compile') {
    super(code, message, { hint: hint ?? 'see https://cel.dev for the CEL syntax', data: { line, column } });
    this.name = 'CelCompileError';
    this.line = line;
    this.column = column;
  }
}

/** A run-time failure (no such field, no matching overload, division by zero…). */
export class CelEvalError extends PlumbError {
  constructor(message: string, code: 'policy.cel-eval' | 'policy.cel-cost' = 'policy.cel-eval') {
    super(code, message, {
      hint: code === 'policy.cel-cost' ? 'iterate over less (filter first), or split the policy' : 'guard optional fields with has(…) or `in`',
    });
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
    parsed = parseKept(source);
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
  const estimated = estimateCost(parsed.expr as unknown as Parameters<typeof estimateCost>[0]);
  if (estimated > MAX_ESTIMATED_COST) {
    return new CelCompileError(
      `estimated cost ${estimated.toExponential(1)} exceeds the limit of ${MAX_ESTIMATED_COST.toExponential(0)} (comprehensions nested over lists assumed to hold up to 1000 items)`,
      1,
      1,
      'nest fewer comprehensions (all, exists, map, filter), or filter the list first',
      'policy.cel-cost',
    );
  }
  let next = maxId(parsed.expr as unknown as Parameters<typeof maxId>[0]);
  instrumentComprehensions(parsed.expr as unknown as Parameters<typeof instrumentComprehensions>[0], () => ++next);
  try {
    const run = plan(env, parsed) as (bindings: Record<string, CelInput>) => unknown;
    return { source, references, run };
  } catch (e) {
    return new CelCompileError(e instanceof Error ? e.message : String(e), 1, 1);
  }
}

/**
 * `parse(source)`, with the syntax tree kept in the content cache as the
 * protobuf message it is (cel.expr.ParsedExpr, binary), keyed by the source:
 * reading it back is far cheaper than parsing — a warm `plumb validate` of
 * the example spent ~90 ms of its ~0.4 CPU-s in the CEL parser for its
 * policies. A syntax error is not kept (it is reported, from a fresh parse,
 * every time); an entry that does not decode is parsed again. The tree is
 * decoded fresh on each call: compileCel instruments it in place.
 */
function parseKept(source: string): ReturnType<typeof parse> {
  const cache = defaultContentCache();
  const kept = cache?.get<unknown>('cel-parse', source);
  if (kept instanceof Uint8Array) {
    try {
      const decoded = fromBinary(ParsedExprSchema, kept);
      if (decoded.expr) return decoded as ReturnType<typeof parse>;
    } catch {
      // damaged or from another protobuf layout: parsed again below
    }
  }
  const parsed = parse(source);
  cache?.set('cel-parse', source, toBinary(ParsedExprSchema, parsed));
  return parsed;
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
 *
 * Runtime cost: every comprehension step counts (engine/policy/cel-cost.ts);
 * past `costLimit` (default MAX_RUNTIME_COST, 10^6 steps, as Kubernetes'
 * per-call limit) every further step fails at once and the result is a
 * CelEvalError with code `policy.cel-cost` — whatever the expression would
 * have made of the failure (fail closed).
 */
export function evaluateCel(program: CelProgram, bindings: Record<string, CelInput>, options: { costLimit?: number } = {}): CelValue | CelEvalError {
  let result: unknown;
  meter.used = 0;
  meter.limit = options.costLimit ?? MAX_RUNTIME_COST;
  meter.exceeded = false;
  try {
    result = program.run(bindings);
  } catch (e) {
    if (meter.exceeded) return costExceeded();
    return new CelEvalError(e instanceof Error ? e.message : String(e));
  }
  // checked whatever the result: `expensive || true` must not turn an exhausted budget into a pass
  if (meter.exceeded) return costExceeded();
  if (isCelError(result)) return new CelEvalError(describeCelError(result.message));
  return result as CelValue;
}

function costExceeded(): CelEvalError {
  return new CelEvalError(`cost budget exceeded: more than ${meter.limit.toLocaleString('en-US')} comprehension steps in one evaluation`, 'policy.cel-cost');
}

/** The library says "unresolved attribute" for a variable that is not bound; say which words mean. */
function describeCelError(message: string): string {
  return message === 'unresolved attribute' ? 'unresolved attribute (a variable is not available in this scope)' : message;
}
