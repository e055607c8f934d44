/**
 * CEL cost limits, as Kubernetes sets them for ValidatingAdmissionPolicy: an
 * estimated cost checked when the expression compiles, and an actual cost
 * counted while it runs. A policy comes from Git — from any pull request — so
 * an expression must not be able to stall `plumb plan` or the controller's
 * event loop (one short policy with nested comprehensions took 38.9 s per CI).
 *
 * Cost unit: one step of a comprehension (`all`, `exists`, `exists_one`,
 * `map`, `filter`) or one call or operator. Regular expressions are RE2 in the
 * CEL library, linear in their input, so they cost one call.
 */

/** Longest list an estimate assumes an unknown list has (Kubernetes uses the schema's maxItems; plumb's data has none). */
export const ASSUMED_LIST_SIZE = 1_000;
/** The largest estimated cost a compiled expression may have: three comprehensions nested over unknown lists exceed it, two do not. */
export const MAX_ESTIMATED_COST = 100_000_000;
/**
 * Comprehension steps one evaluation may take before it fails (closed), as
 * Kubernetes' per-call limit. 100,000 steps take about 0.3 s in the CEL
 * library (measured: 10^6 steps ≈ 3 s on the CI machine).
 */
export const MAX_RUNTIME_COST = 100_000;
/**
 * Steps one policy may take over all the CIs of one evaluation (one plan, one
 * validate, one reconcile), as Kubernetes' per-validation budget: once spent,
 * the policy fails closed for the remaining CIs without running.
 */
export const MAX_RUNTIME_COST_PER_POLICY = 1_000_000;

/** The name of the function compiled into every comprehension's loop condition to count its steps. */
export const STEP_FUNCTION = 'plumb_cost_step';

interface Node {
  id?: bigint;
  exprKind: { case: string | undefined; value?: unknown };
}

interface Comprehension {
  iterRange?: Node;
  accuInit?: Node;
  loopCondition?: Node;
  loopStep?: Node;
  result?: Node;
}

/**
 * The estimated worst-case cost of a parsed expression: every node costs 1; a
 * comprehension costs its range and its result once, and its condition and
 * step once per element — the literal list's length when the range is a list
 * literal, ASSUMED_LIST_SIZE otherwise. Nested comprehensions multiply.
 */
export function estimateCost(node: Node | undefined): number {
  if (!node) return 0;
  const kind = node.exprKind;
  switch (kind.case) {
    case 'comprehensionExpr': {
      const c = kind.value as Comprehension;
      const range = c.iterRange?.exprKind;
      const n = range?.case === 'listExpr' ? ((range.value as { elements?: unknown[] }).elements?.length ?? 0) : ASSUMED_LIST_SIZE;
      return (
        1 + estimateCost(c.iterRange) + estimateCost(c.accuInit) + n * (1 + estimateCost(c.loopCondition) + estimateCost(c.loopStep)) + estimateCost(c.result)
      );
    }
    case 'callExpr': {
      const c = kind.value as { target?: Node; args: Node[] };
      return 1 + estimateCost(c.target) + c.args.reduce((sum, a) => sum + estimateCost(a), 0);
    }
    case 'selectExpr':
      return 1 + estimateCost((kind.value as { operand?: Node }).operand);
    case 'listExpr':
      return 1 + ((kind.value as { elements: Node[] }).elements ?? []).reduce((sum, a) => sum + estimateCost(a), 0);
    case 'structExpr':
      return (
        1 +
        ((kind.value as { entries: { mapKey?: Node; value?: Node }[] }).entries ?? []).reduce(
          (sum, e) => sum + estimateCost(e.mapKey) + estimateCost(e.value),
          0,
        )
      );
    default:
      return 1;
  }
}

/**
 * Rewrites every comprehension of a parsed expression (in place) so that its
 * loop condition passes through STEP_FUNCTION, which counts one step per
 * element. `nextId` gives ids above the parser's.
 */
export function instrumentComprehensions(node: Node | undefined, nextId: () => bigint): void {
  if (!node) return;
  const kind = node.exprKind;
  switch (kind.case) {
    case 'comprehensionExpr': {
      const c = kind.value as Comprehension;
      for (const child of [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result]) instrumentComprehensions(child, nextId);
      if (c.loopCondition) {
        c.loopCondition = {
          $typeName: 'cel.expr.Expr',
          id: nextId(),
          exprKind: { case: 'callExpr', value: { $typeName: 'cel.expr.Expr.Call', function: STEP_FUNCTION, args: [c.loopCondition] } },
        } as Node;
      }
      return;
    }
    case 'callExpr': {
      const c = kind.value as { target?: Node; args: Node[] };
      instrumentComprehensions(c.target, nextId);
      for (const a of c.args) instrumentComprehensions(a, nextId);
      return;
    }
    case 'selectExpr':
      instrumentComprehensions((kind.value as { operand?: Node }).operand, nextId);
      return;
    case 'listExpr':
      for (const e of (kind.value as { elements: Node[] }).elements ?? []) instrumentComprehensions(e, nextId);
      return;
    case 'structExpr':
      for (const e of (kind.value as { entries: { mapKey?: Node; value?: Node }[] }).entries ?? []) {
        instrumentComprehensions(e.mapKey, nextId);
        instrumentComprehensions(e.value, nextId);
      }
      return;
    default:
      return;
  }
}

/** The largest node id of a parsed expression (new nodes get ids above it). */
export function maxId(node: Node | undefined): bigint {
  if (!node) return 0n;
  let max = node.id ?? 0n;
  const visit = (n: Node | undefined) => {
    const m = maxId(n);
    if (m > max) max = m;
  };
  const kind = node.exprKind;
  if (kind.case === 'comprehensionExpr') {
    const c = kind.value as Comprehension;
    for (const child of [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result]) visit(child);
  } else if (kind.case === 'callExpr') {
    const c = kind.value as { target?: Node; args: Node[] };
    visit(c.target);
    c.args.forEach(visit);
  } else if (kind.case === 'selectExpr') visit((kind.value as { operand?: Node }).operand);
  else if (kind.case === 'listExpr') ((kind.value as { elements: Node[] }).elements ?? []).forEach(visit);
  else if (kind.case === 'structExpr')
    for (const e of (kind.value as { entries: { mapKey?: Node; value?: Node }[] }).entries ?? []) {
      visit(e.mapKey);
      visit(e.value);
    }
  return max;
}

/** The running evaluation's step count; one at a time (evaluation is synchronous). */
export const meter = { used: 0, limit: MAX_RUNTIME_COST, exceeded: false };
