import type { CapacityLookup } from '../capacity/view.js';
import type { CelInput } from '@bufbuild/cel';
import type { CIGraph } from '../graph/types.js';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { PolicyResult } from './types.js';
import { CelEvalError, evaluateCel as evaluateWithin, type CelProgram } from './cel.js';
import { MAX_RUNTIME_COST, MAX_RUNTIME_COST_PER_POLICY, meter } from './cel-cost.js';
import { celTimestamp, showCelValue, toCelInput } from './cel-values.js';
import { indexExceptions, type ExceptionLookup } from './exceptions.js';
import { isMissingField, matchesSelector } from './match.js';
import type { ChangeContext, CompiledExpression, CompiledPolicy, PlanView, PolicyException, PolicyScope, Simulate } from './types.js';
import { planBindings, planView, subjectBindings, type Bindings, type SharedContext } from './variables.js';
import { isDenied } from './denied.js';
import { compareText } from '../model/compare-text.js';

export interface EvaluatePoliciesOptions {
  /** Every loaded policy; only those of `scope` are evaluated. */
  readonly policies: readonly CompiledPolicy[];
  readonly exceptions?: readonly PolicyException[];
  readonly scope: PolicyScope;
  /** The desired graph (after validation). */
  readonly graph: CIGraph;
  /** The base/observed graph, where deleted CIs and their dependents still are. */
  readonly baseGraph?: CIGraph;
  /** `change` scope: the changed CIs (noops are skipped). */
  readonly changes?: readonly ChangeContext[];
  /** `plan` scope (and readable as `plan` from the others). */
  readonly plan?: PlanView;
  /** The clock, injectable so change windows are testable. */
  readonly now: Date;
  /** Impact simulation, run only for policies that read `impact` and changes that lack one. */
  readonly simulate?: Simulate;
  /** The capacity forecasts policies read as `capacity` (engine/capacity/view.ts). */
  readonly capacity?: CapacityLookup;
}

export interface PolicyEvaluation {
  /** Violations, errors and excepted violations — passes produce no result. Sorted by policy, then CI. */
  readonly results: readonly PolicyResult[];
  /** Some deny policy was violated or failed to evaluate (fail closed). */
  readonly denied: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

interface Subject {
  readonly ci: CI;
  readonly bindings: Bindings;
}

/**
 * Evaluates the policies of one scope: `inventory` over every CI of the graph,
 * `change` over every changed CI, `plan` once. A validation fails when its
 * expression is false; a run-time error is a result of its own (`error`), and
 * for a deny policy it counts as a denial. Each (policy, CI) yields at most one
 * result: the first validation that fails.
 *
 * @example
 *   evaluatePolicies({ policies, exceptions, scope: 'change', graph, changes: [{ id: 'database:shop/orders-db', action: 'delete' }],
 *     now: new Date(), simulate: (req) => simulateImpact(graph, req) })
 */
export function evaluatePolicies(options: EvaluatePoliciesOptions): PolicyEvaluation {
  const policies = options.policies.filter((p) => p.scope === options.scope);
  const lookup = indexExceptions(options.exceptions ?? [], options.now);
  const now = celTimestamp(options.now);
  let planValue: CelInput | undefined;
  const plan = (): CelInput => (planValue ??= toCelInput(planView(options.plan)));
  const results: PolicyResult[] = [];
  // each policy's cost budget over the whole evaluation (engine/policy/cel-cost.ts)
  const budgets = new Map<string, { remaining: number }>();
  const evaluate = (subject: Subject | undefined, bindings: Bindings) => {
    for (const policy of policies) {
      if (subject && !matchesSelector(policy, subject.ci)) continue;
      let budget = budgets.get(policy.name);
      if (!budget) budgets.set(policy.name, (budget = { remaining: MAX_RUNTIME_COST_PER_POLICY }));
      const result = evaluateOne(policy, subject?.ci, bindings, lookup, budget);
      if (result) results.push(result);
    }
  };

  if (policies.length === 0) {
    // nothing to evaluate: no subject is built (an inventory scope's were one binding set per CI of the graph)
  } else if (options.scope === 'plan') {
    evaluate(undefined, planBindings(plan, options.plan?.impact, now));
  } else {
    const shared: SharedContext = {
      now,
      plan,
      ...(options.simulate ? { simulate: options.simulate } : {}),
      ...(options.capacity ? { capacity: options.capacity } : {}),
    };
    for (const subject of subjects(options, shared)) evaluate(subject, subject.bindings);
  }

  const order = new Map(policies.map((p, i) => [p.name, i]));
  results.sort((a, b) => order.get(a.policy)! - order.get(b.policy)! || compareText(a.ci ?? '', b.ci ?? ''));
  return {
    results,
    denied: isDenied(results),
    diagnostics: expiredDiagnostics(options.exceptions ?? [], policies, options.now),
  };
}

function* subjects(options: EvaluatePoliciesOptions, shared: SharedContext): Generator<Subject> {
  if (options.scope === 'inventory') {
    const noop = { action: 'noop' as const, paths: [] };
    for (const ci of ciNodes(options.graph)) {
      yield { ci, bindings: subjectBindings({ ci, graph: options.graph, change: noop, oldObject: null, shared }) };
    }
    return;
  }
  for (const change of options.changes ?? []) {
    if (change.action === 'noop') continue;
    const graph = options.graph.hasNode(change.id) ? options.graph : options.baseGraph;
    const ci = change.ci ?? (graph?.hasNode(change.id) ? graph.getNodeAttribute(change.id, 'ci') : undefined);
    if (!ci) continue; // a change the planner could not tie to a CI document: nothing for `object`
    yield {
      ci,
      bindings: subjectBindings({
        ci,
        graph,
        change: { action: change.action, paths: change.paths ?? [] },
        oldObject: change.oldObject ?? null,
        shared,
        ...(change.impact ? { impact: change.impact } : {}),
      }),
    };
  }
}

function* ciNodes(graph: CIGraph): Generator<CI> {
  for (const { attributes } of graph.nodeEntries()) yield attributes.ci;
}

type Outcome = { kind: 'pass' } | { kind: 'violated'; message: string } | { kind: 'error'; message: string; at?: CompiledExpression['position'] };

function evaluateOne(
  policy: CompiledPolicy,
  ci: CI | undefined,
  bindings: Bindings,
  lookup: (p: string, ci: string | null) => ExceptionLookup,
  budget: { remaining: number },
): PolicyResult | undefined {
  const outcome = run(policy, bindings, ci, budget);
  if (outcome.kind === 'pass') return undefined;
  const exceptions = lookup(policy.name, ci?.id ?? null);
  // an expression over its cost budget is the expression's fault: point at it
  const where =
    outcome.kind === 'error' && outcome.at
      ? outcome.at
      : ci
        ? { file: ci.origin.file, line: ci.origin.line, column: ci.origin.column }
        : { file: policy.origin.file, line: policy.origin.line, column: policy.origin.column };
  const base = { policy: policy.name, ci: ci?.id ?? null, action: policy.action, severity: policy.severity, ...where };
  if (exceptions.applies) {
    return {
      ...base,
      outcome: 'excepted',
      message: `${outcome.message} (excepted by ${exceptions.applies.name}: ${exceptions.applies.reason})`,
      exception: exceptions.applies.name,
    };
  }
  const expired = exceptions.expired.map((e) => `exception ${e.name} expired ${e.expires}`).join('; ');
  return { ...base, outcome: outcome.kind, message: expired ? `${outcome.message} (${expired})` : outcome.message };
}

function run(policy: CompiledPolicy, bindings: Bindings, ci: CI | undefined, budget: { remaining: number }): Outcome {
  const evaluateCel = (program: CelProgram, b: Bindings): ReturnType<typeof evaluateWithin> => {
    if (budget.remaining <= 0)
      return new CelEvalError(
        `cost budget exceeded: the policy spent its ${MAX_RUNTIME_COST_PER_POLICY.toLocaleString('en-US')} comprehension steps on earlier CIs of this evaluation`,
        'policy.cel-cost',
      );
    const value = evaluateWithin(program, b, { costLimit: Math.min(MAX_RUNTIME_COST, budget.remaining) });
    budget.remaining -= meter.used;
    return value;
  };
  const failed = (what: CompiledExpression, error: CelEvalError): Outcome => ({
    kind: 'error',
    message: `policy ${policy.name} failed to evaluate ${what.source}${error.code === 'policy.cel-cost' && ci ? ` for ${ci.id}` : ''}: ${error.message}${policy.action === 'deny' ? '; denying (fail closed)' : ''}`,
    ...(error.code === 'policy.cel-cost' && what.position ? { at: what.position } : {}),
  });
  const condition = policy.match.condition;
  if (condition) {
    const value = evaluateCel(condition.program, bindings);
    if (value instanceof CelEvalError) return isMissingField(value.message) ? { kind: 'pass' } : failed(condition, value);
    if (typeof value !== 'boolean') return failed(condition, new CelEvalError(`the condition gave ${showCelValue(value)}, not a bool`));
    if (!value) return { kind: 'pass' };
  }
  for (const validation of policy.validations) {
    const value = evaluateCel(validation.expression.program, bindings);
    if (value instanceof CelEvalError) return failed(validation.expression, value);
    if (typeof value !== 'boolean') return failed(validation.expression, new CelEvalError(`the expression gave ${showCelValue(value)}, not a bool`));
    if (value) continue;
    return { kind: 'violated', message: message(policy, validation, bindings) };
  }
  return { kind: 'pass' };
}

function message(policy: CompiledPolicy, validation: CompiledPolicy['validations'][number], bindings: Bindings): string {
  const fallback = validation.message ?? `policy ${policy.name}: ${validation.expression.source} is false`;
  if (!validation.messageExpression) return fallback;
  const value = evaluateWithin(validation.messageExpression.program, bindings);
  if (value instanceof CelEvalError) return `${fallback} (messageExpression failed: ${value.message})`;
  return typeof value === 'string' ? value : showCelValue(value);
}

/** One warning per expired exception that names a policy of this scope, placed at the exception. */
function expiredDiagnostics(exceptions: readonly PolicyException[], policies: readonly CompiledPolicy[], now: Date): Diagnostic[] {
  const names = new Set(policies.map((p) => p.name));
  return exceptions
    .filter((e) => e.expiresAt !== undefined && now.getTime() >= e.expiresAt.getTime() && e.policies.some((p) => names.has(p)))
    .map((e) => ({
      severity: 'warning' as const,
      code: 'policy.exception-expired',
      message: `exception ${e.name} expired ${e.expires} and no longer applies to ${e.policies.join(', ')}`,
      hint: 'renew it with a new expires date, or fix what it excused',
      file: e.origin.file,
      line: e.expiresPosition?.line ?? e.origin.line,
      column: e.expiresPosition?.column ?? e.origin.column,
    }));
}
