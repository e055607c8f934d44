/**
 * What a parsed CEL expression refers to: the free variables it reads and the
 * functions it calls. Used at compile time to reject a typo (`obejct.spec`,
 * `sise(list)`) as a compile error instead of a run-time one, and to know
 * whether an expression reads `impact` — which costs a simulation per CI and
 * is computed only for the policies that use it.
 *
 * The AST is the cel-spec `Expr` message; only the shape walked here is typed.
 */
interface ExprNode {
  readonly id?: bigint;
  readonly exprKind: { readonly case: string | undefined; readonly value?: unknown };
}

interface CallExpr {
  readonly target?: ExprNode;
  readonly function: string;
  readonly args: readonly ExprNode[];
}

interface ComprehensionExpr {
  readonly iterVar: string;
  readonly iterVar2?: string;
  readonly iterRange?: ExprNode;
  readonly accuVar: string;
  readonly accuInit?: ExprNode;
  readonly loopCondition?: ExprNode;
  readonly loopStep?: ExprNode;
  readonly result?: ExprNode;
}

export interface CelReferences {
  /** Free variables (root identifiers not bound by a macro). */
  readonly variables: ReadonlySet<string>;
  /** Called function and method names, operators included (`_==_`, `size`, `startsWith`). */
  readonly functions: ReadonlySet<string>;
}

export function celReferences(root: ExprNode): CelReferences {
  const variables = new Set<string>();
  const functions = new Set<string>();

  const walk = (node: ExprNode | undefined, bound: ReadonlySet<string>): void => {
    if (!node) return;
    const { case: kind, value } = node.exprKind;
    switch (kind) {
      case 'identExpr': {
        const name = (value as { name: string }).name;
        if (!bound.has(name)) variables.add(name);
        return;
      }
      case 'selectExpr':
        walk((value as { operand?: ExprNode }).operand, bound);
        return;
      case 'callExpr': {
        const call = value as CallExpr;
        functions.add(call.function);
        walk(call.target, bound);
        for (const arg of call.args) walk(arg, bound);
        return;
      }
      case 'listExpr':
        for (const element of (value as { elements: readonly ExprNode[] }).elements) walk(element, bound);
        return;
      case 'structExpr':
        for (const entry of (value as { entries: readonly { keyKind: { case?: string; value?: unknown }; value?: ExprNode }[] }).entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value as ExprNode, bound);
          walk(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const c = value as ComprehensionExpr;
        walk(c.iterRange, bound);
        walk(c.accuInit, bound);
        const inner = new Set(bound);
        inner.add(c.iterVar);
        if (c.iterVar2) inner.add(c.iterVar2);
        inner.add(c.accuVar);
        walk(c.loopCondition, inner);
        walk(c.loopStep, inner);
        walk(c.result, inner);
        return;
      }
      default:
        return; // constants
    }
  };

  walk(root, new Set());
  return { variables, functions };
}
