import type { CI, Origin } from '../model/ci.js';
import type { ImpactSummary } from '../impact/types.js';
import type { ChangeAction } from '../model/change-action.js';
import type { CelProgram } from './cel.js';

/** One policy's verdict on one CI (or on the plan, `ci: null`). */
export interface PolicyResult {
  readonly policy: string;
  /** CI identity, or null for plan-scope results. */
  readonly ci: string | null;
  /** deny | warn | audit; `error` is reported via `outcome`. */
  readonly action: 'deny' | 'warn' | 'audit';
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  /** violated: the validation failed; error: evaluation failed (a deny fails closed); excepted: an exception applied. */
  readonly outcome: 'violated' | 'error' | 'excepted';
  readonly message: string;
  readonly exception?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export type PolicyAction = PolicyResult['action'];
export type PolicySeverity = PolicyResult['severity'];
export type PolicyScope = 'inventory' | 'change' | 'plan';

/** The variables every policy expression may read (docs/architecture.md, "Policies"). */
export const POLICY_VARIABLES = ['object', 'oldObject', 'change', 'impact', 'relations', 'dependents', 'plan', 'now', 'capacity'] as const;
export type PolicyVariable = (typeof POLICY_VARIABLES)[number];

/** One CEL expression of a policy, compiled once, with where it is written. */
export interface CompiledExpression {
  readonly source: string;
  readonly program: CelProgram;
  /** JSON Pointer of the expression in the policy document, e.g. `/spec/validations/0/expression`. */
  readonly pointer: string;
  /** Where the expression is written (file, 1-based line and column), for failures that are the expression's own (cost). */
  readonly position?: { readonly file: string; readonly line: number; readonly column: number };
}

export interface CompiledValidation {
  readonly expression: CompiledExpression;
  readonly message?: string;
  readonly messageExpression?: CompiledExpression;
}

/** A Policy document, validated and with every expression compiled. */
export interface CompiledPolicy {
  readonly name: string;
  readonly action: PolicyAction;
  readonly severity: PolicySeverity;
  readonly scope: PolicyScope;
  readonly description?: string;
  readonly match: {
    /** Lowercased kinds; absent = every kind. */
    readonly kinds?: ReadonlySet<string>;
    readonly namespaces?: ReadonlySet<string>;
    readonly labels?: Readonly<Record<string, string>>;
    readonly condition?: CompiledExpression;
  };
  readonly validations: readonly CompiledValidation[];
  /** Some expression reads `impact`: only then is a simulation run per CI. */
  readonly usesImpact: boolean;
  /** Some expression reads `now`: its results belong to the instant evaluated at (a validate answer is then not kept). */
  readonly readsNow: boolean;
  readonly origin: Origin;
}

/** A PolicyException document, validated. */
export interface PolicyException {
  readonly name: string;
  readonly namespace: string;
  readonly policies: readonly string[];
  /**
   * Canonical CI identities (`kind:name` was resolved in the exception's
   * namespace). Absent: the exception covers every CI of its policies, and
   * plan-scope results too.
   */
  readonly targets?: ReadonlySet<string>;
  readonly reason: string;
  /** As written (`2027-03-31` or an RFC 3339 date-time). */
  readonly expires?: string;
  /** The first instant at which the exception no longer applies (a date expires at the end of that day, UTC). */
  readonly expiresAt?: Date;
  /** Where `spec.expires` is written, for the expiry warning. */
  readonly expiresPosition?: { readonly line: number; readonly column: number };
  readonly origin: Origin;
}

/**
 * One changed CI, as the planner (or review) knows it, for `change`-scope
 * policies. Everything but `id` and `action` has a sensible default.
 */
export interface ChangeContext {
  readonly id: string;
  readonly action: ChangeAction;
  /** Changed JSON Pointers (`change.paths`). */
  readonly paths?: readonly string[];
  /** The CI as desired; for a delete, the CI as it was. Default: the graph node. */
  readonly ci?: CI;
  /** The base or observed document (`oldObject`); default null. */
  readonly oldObject?: Readonly<Record<string, unknown>> | null;
  /** This change's impact, when the planner computed it already; otherwise simulated on demand. */
  readonly impact?: ImpactSummary;
}

/** What plan-scope policies see as `plan` (the plan is not built until its policy results are known). */
export interface PlanView {
  readonly summary: Readonly<Record<'create' | 'update' | 'delete' | 'noop' | 'unmanaged', number>>;
  readonly changes: readonly PlanChangeView[];
  readonly impact?: ImpactSummary;
}

/** The fields of a planned change (engine/plan/types.ts PlannedChange) that plan-scope policies read. */
export interface PlanChangeView {
  readonly id: string;
  readonly action: ChangeAction;
  readonly wave: number;
  readonly provider: string;
  readonly target: string;
  readonly paths: readonly string[];
  readonly impact?: ImpactSummary;
}

/** Runs an impact simulation (engine/impact/simulate.ts `simulateImpact` bound to a graph). */
export type Simulate = (request: { sources: readonly string[]; event: ImpactSummary['event'] }) => ImpactSummary;

/** A policy or policy exception a pull request adds, changes or removes (found by engine/review/policy-changes.ts; the plan artifact names it). */
export interface PolicyChange {
  readonly change: 'added' | 'changed' | 'removed';
  /** The document's kind as written (`Policy`, `PolicyException`). */
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Where it is written: the head's file for added and changed, the base's for removed. */
  readonly file: string;
  readonly line: number;
}
