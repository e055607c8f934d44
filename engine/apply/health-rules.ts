import type { HealthConfig } from '../config/types.js';
import { PlumbError } from '../model/errors.js';
import { CelEvalError, compileCel, evaluateCel, type CelProgram } from '../policy/cel.js';
import { fromCelValue, toCelInput } from '../policy/cel-values.js';
import type { HealthRule } from '../providers/kubernetes/health.js';

type Obj = Record<string, unknown>;

/** The variables a health expression reads: the object's top-level fields, as in Flux's healthCheckExprs. */
const VARIABLES = ['apiVersion', 'kind', 'metadata', 'spec', 'status', 'data', 'object'];

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
  checks.forEach((check, i) => {
    const compile = (field: 'current' | 'failed' | 'inProgress'): CelProgram | undefined => {
      const source = check[field];
      if (source === undefined) return undefined;
      const program = compileCel(source, { variables: VARIABLES });
      if ('run' in program) return program;
      throw new PlumbError('config.invalid', `health.checks[${i}].${field} (${check.kind}) is not valid CEL: ${program.message}`, { hint: `the variables are ${VARIABLES.join(', ')}` });
    };
    const key = `${check.apiVersion}/${check.kind}`;
    byKind.set(key, { key, wait: check.wait !== false, inProgress: compile('inProgress'), failed: compile('failed'), current: compile('current') });
  });
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
