import { contentCacheFor, withContentCache } from '../cache/content-cache.js';
import type { HealthConfig } from '../config/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { PlumbError } from '../model/errors.js';
import { CelCompileError, CelEvalError, compileCel, evaluateCel, type CelProgram } from '../policy/cel.js';
import { fromCelValue, toCelInput } from '../policy/cel-values.js';
import type { HealthRule } from '../providers/kubernetes/health.js';

type Obj = Record<string, unknown>;

/** The variables a health expression reads: the object's top-level fields, as in Flux's healthCheckExprs. */
const VARIABLES = ['apiVersion', 'kind', 'metadata', 'spec', 'status', 'data', 'object'];

const FIELDS = ['inProgress', 'failed', 'current'] as const;

/**
 * Compiles every `health.checks` expression the way apply will, so `plumb
 * validate` reports a bad one before any apply does: one `config.invalid` error
 * per expression that does not compile, at the expression's plumb.yaml position
 * (`positionOf` maps a JSON Pointer under `/health`, e.g.
 * `/checks/0/current`, to `file`/`line`/`column`). Empty when all compile.
 */
export function healthCheckDiagnostics(
  config: HealthConfig | undefined,
  positionOf: (pointer: string) => Pick<Diagnostic, 'file' | 'line' | 'column'>,
): Diagnostic[] {
  const checks = config?.checks ?? [];
  // the CEL parse cache follows the cache the engine caller loaded plumb.yaml with (contentCache: false: none)
  return withContentCache(contentCacheFor(checks), () => checkDiagnostics(checks, positionOf));
}

function checkDiagnostics(
  checks: NonNullable<HealthConfig['checks']>,
  positionOf: (pointer: string) => Pick<Diagnostic, 'file' | 'line' | 'column'>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  checks.forEach((check, i) => {
    for (const field of FIELDS) {
      const source = check[field];
      if (source === undefined) continue;
      const program = compileCel(source, { variables: VARIABLES });
      if (!(program instanceof CelCompileError)) continue;
      const within = program.line > 1 || program.column > 1 ? ` (at ${program.line}:${program.column} of the expression)` : '';
      diagnostics.push({
        severity: 'error',
        code: 'config.invalid',
        message: `health.checks[${i}].${field} (${check.apiVersion} ${check.kind}) is not valid CEL: ${program.message}${within}`,
        hint:
          program.hint && program.hint !== 'see https://cel.dev for the CEL syntax'
            ? program.hint
            : `the variables are ${VARIABLES.join(', ')}; see https://cel.dev for the CEL syntax`,
        ...positionOf(`/checks/${i}/${field}`),
      });
    }
  });
  return diagnostics;
}

interface Compiled {
  readonly key: string;
  readonly wait: boolean;
  readonly inProgress?: CelProgram;
  readonly failed?: CelProgram;
  readonly current?: CelProgram;
}

/**
 * Compiles plumb.yaml's `health.checks` into the rule the Kubernetes provider
 * consults before its built-in ones (engine/providers/kubernetes/health.ts), so
 * a CRD such as a cert-manager Certificate or an Argo Rollout gets real health:
 *
 * ```yaml
 * health:
 *   checks:
 *     - apiVersion: cert-manager.io/v1
 *       kind: Certificate
 *       current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')"
 *       failed: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'False' && c.reason == 'Failed')"
 *     - {apiVersion: batch/v1, kind: Job, wait: false}
 * ```
 *
 * Evaluation order (Flux's): `inProgress` true → still waiting; `failed` true →
 * unhealthy for good; `current` true → healthy; otherwise still waiting. An
 * expression that fails at run time (a field not there yet) counts as false.
 * `wait: false` → apply does not wait for the kind. Undefined when there are no
 * checks.
 *
 * @throws PlumbError `config.invalid` naming the check and the CEL error, when an expression does not compile.
 */
export function compileHealthRules(config: HealthConfig | undefined): HealthRule | undefined {
  const checks = config?.checks ?? [];
  if (checks.length === 0) return undefined;
  const byKind = new Map<string, Compiled>();
  // compiled under the cache the engine caller loaded plumb.yaml with, as healthCheckDiagnostics
  withContentCache(contentCacheFor(checks), () =>
    checks.forEach((check, i) => {
      const compile = (field: 'current' | 'failed' | 'inProgress'): CelProgram | undefined => {
        const source = check[field];
        if (source === undefined) return undefined;
        const program = compileCel(source, { variables: VARIABLES });
        if ('run' in program) return program;
        throw new PlumbError('config.invalid', `health.checks[${i}].${field} (${check.kind}) is not valid CEL: ${program.message}`, {
          hint: `the variables are ${VARIABLES.join(', ')}`,
        });
      };
      const key = `${check.apiVersion}/${check.kind}`;
      byKind.set(key, { key, wait: check.wait !== false, inProgress: compile('inProgress'), failed: compile('failed'), current: compile('current') });
    }),
  );
  return (object) => {
    const rule = byKind.get(`${String(object.apiVersion)}/${String(object.kind)}`);
    if (!rule) return undefined;
    if (!rule.wait) return 'no-wait';
    if (!rule.current && !rule.failed && !rule.inProgress) return undefined;
    const bindings = Object.fromEntries(VARIABLES.map((v) => [v, toCelInput(v === 'object' ? object : ((object as Obj)[v] ?? null))]));
    const holds = (p: CelProgram | undefined) => {
      if (p === undefined) return false;
      const v = evaluateCel(p, bindings);
      return !(v instanceof CelEvalError) && fromCelValue(v) === true;
    };
    if (holds(rule.inProgress)) return { healthy: false, done: false, message: `in progress (health.checks ${rule.key})` };
    if (holds(rule.failed)) return { healthy: false, done: true, message: `failed: ${rule.failed!.source}` };
    if (holds(rule.current)) return { healthy: true, done: true, message: `healthy: ${rule.current!.source}` };
    return { healthy: false, done: false, message: `waiting for ${rule.current?.source ?? 'the health rule'}` };
  };
}
