import type { Diagnostic } from '../model/diagnostic.js';
import type { PolicyChange } from '../review/policy-changes.js';
import { sortDiagnostics } from '../model/diagnostic.js';
import type { PlannedChange, PolicyResult } from '../plan/types.js';

/**
 * SARIF 2.1.0 output (`-o sarif` of validate, plan and review), for GitHub code
 * scanning and any other SARIF viewer. Only the subset plumb writes is typed.
 */
export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifRule {
  readonly id: string;
  readonly name?: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription?: { readonly text: string };
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations?: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string; readonly uriBaseId: string };
      readonly region?: { readonly startLine: number; readonly startColumn?: number };
    };
  }[];
  readonly suppressions?: readonly { readonly kind: 'external'; readonly justification?: string }[];
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly {
    readonly tool: {
      readonly driver: { readonly name: 'plumb'; readonly informationUri: string; readonly version?: string; readonly rules: readonly SarifRule[] };
    };
    readonly originalUriBaseIds: Readonly<Record<string, { readonly description: { readonly text: string } }>>;
    readonly results: readonly SarifResult[];
  }[];
}

/** What SARIF needs to know of a policy to describe its rule. */
export interface SarifPolicyInfo {
  readonly name: string;
  readonly severity: PolicyResult['severity'];
  readonly action: PolicyResult['action'];
  readonly description?: string;
}

export interface ToSarifInput {
  readonly diagnostics?: readonly Diagnostic[];
  /**
   * Review: policies and exceptions the pull request adds, changes or removes —
   * one `warning` result each (rule `review.policy-change`) at the document, listed first.
   */
  readonly policyChanges?: readonly PolicyChange[];
  /** Review: the head's own policy results (not the gate): `note` results with `properties.gate: false`. */
  readonly headPolicyResults?: readonly PolicyResult[];
  readonly policyResults?: readonly PolicyResult[];
  /** Every policy, so rules exist (and say what they check) even for policies without results. */
  readonly policies?: readonly SarifPolicyInfo[];
  /**
   * Planned changes of rendered objects (Kustomize, Helm): one `note` result
   * each (rule `render.change`) at the patch, values line, template or
   * resource file behind it, so a pull request's annotations show which line
   * changes which object.
   */
  readonly changes?: readonly PlannedChange[];
  /** plumb's version for tool.driver.version. */
  readonly version?: string;
}

const SEVERITY_LEVEL: Readonly<Record<PolicyResult['severity'], SarifLevel>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
const DIAGNOSTIC_LEVEL: Readonly<Record<Diagnostic['severity'], SarifLevel>> = { error: 'error', warning: 'warning', info: 'note' };
/** Relative URIs are resolved against the repository root, which SARIF calls a base id. */
const ROOT = 'SRCROOT';

/**
 * One rule per policy (id = policy name, level from its severity: critical and
 * high → error, medium → warning, low → note) and one per diagnostic code; one
 * result per policy result and per diagnostic, located at the repository-relative
 * file and its line/column. Excepted policy results are kept as suppressed results
 * (SARIF `suppressions`), so viewers show them as dismissed, with the exception's name.
 * Rules and results come out in a stable order.
 */
export function toSarif(input: ToSarifInput): SarifLog {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (rule: SarifRule) => {
    if (ruleIndex.has(rule.id)) return;
    ruleIndex.set(rule.id, rules.length);
    rules.push(rule);
  };

  for (const policy of input.policies ?? []) addRule(policyRule(policy));
  for (const r of input.policyResults ?? []) addRule(policyRule({ name: r.policy, severity: r.severity, action: r.action }));
  const diagnostics = sortDiagnostics(input.diagnostics ?? []);
  for (const d of diagnostics) {
    addRule({ id: d.code, shortDescription: { text: `plumb diagnostic ${d.code}` }, defaultConfiguration: { level: DIAGNOSTIC_LEVEL[d.severity] } });
  }

  const policyChanges = input.policyChanges ?? [];
  if (policyChanges.length) {
    addRule({
      id: 'review.policy-change',
      shortDescription: { text: "a pull request adds, changes or removes a policy or exception; the base's policies are the gate" },
      defaultConfiguration: { level: 'warning' },
    });
  }
  for (const r of input.headPolicyResults ?? []) addRule(policyRule({ name: r.policy, severity: r.severity, action: r.action }));

  const rendered = (input.changes ?? []).filter((c) => c.rendered && c.action !== 'noop');
  if (rendered.length) {
    addRule({
      id: 'render.change',
      shortDescription: { text: 'a change to an object rendered by Kustomize or Helm, at the file that causes it' },
      defaultConfiguration: { level: 'note' },
    });
  }

  const results: SarifResult[] = [
    ...policyChanges.map(
      (p): SarifResult => ({
        ruleId: 'review.policy-change',
        ruleIndex: ruleIndex.get('review.policy-change')!,
        level: 'warning',
        message: {
          text: `this pull request ${p.change === 'added' ? 'adds' : p.change === 'changed' ? 'changes' : 'removes'} ${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}; the base's policies are the gate`,
        },
        ...locations(p.file, p.line, undefined),
        properties: { change: p.change, kind: p.kind, name: p.name },
      }),
    ),
    ...(input.headPolicyResults ?? [])
      .filter((r) => r.outcome !== 'excepted')
      .map(
        (r): SarifResult => ({
          ruleId: r.policy,
          ruleIndex: ruleIndex.get(r.policy)!,
          level: 'note',
          message: { text: `head's policy (not the gate): ${r.message}` },
          ...locations(r.file, r.line, r.column),
          properties: { action: r.action, outcome: r.outcome, severity: r.severity, gate: false, ...(r.ci ? { ci: r.ci } : {}) },
        }),
      ),
    ...(input.policyResults ?? []).map(
      (r): SarifResult => ({
        ruleId: r.policy,
        ruleIndex: ruleIndex.get(r.policy)!,
        level: r.outcome === 'error' ? 'error' : SEVERITY_LEVEL[r.severity],
        message: { text: r.message },
        ...locations(r.file, r.line, r.column),
        ...(r.outcome === 'excepted' ? { suppressions: [{ kind: 'external' as const, justification: `policy exception ${r.exception ?? ''}`.trim() }] } : {}),
        properties: { action: r.action, outcome: r.outcome, severity: r.severity, ...(r.ci ? { ci: r.ci } : {}) },
      }),
    ),
    ...diagnostics.map(
      (d): SarifResult => ({
        ruleId: d.code,
        ruleIndex: ruleIndex.get(d.code)!,
        level: DIAGNOSTIC_LEVEL[d.severity],
        message: { text: d.hint ? `${d.message} (${d.hint})` : d.message },
        ...locations(d.file, d.line, d.column),
        ...(d.ci ? { properties: { ci: d.ci } } : {}),
      }),
    ),
    ...rendered.map(
      (c): SarifResult => ({
        ruleId: 'render.change',
        ruleIndex: ruleIndex.get('render.change')!,
        level: 'note',
        message: {
          text: `${c.id}: ${c.action}${c.action === 'update' && c.paths.length ? ` of ${c.paths.slice(0, 5).join(', ')}${c.paths.length > 5 ? ` and ${c.paths.length - 5} more` : ''}` : ''} (rendered by ${c.rendered!.unit} from ${c.rendered!.source})`,
        },
        ...locations(c.file, c.line, undefined),
        properties: { ci: c.id, action: c.action, unit: c.rendered!.unit, tool: c.rendered!.tool, source: c.rendered!.source },
      }),
    ),
  ];

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'plumb', informationUri: 'https://plumb.io', ...(input.version ? { version: input.version } : {}), rules } },
        originalUriBaseIds: { [ROOT]: { description: { text: 'the repository root' } } },
        results,
      },
    ],
  };
}

function policyRule(policy: SarifPolicyInfo): SarifRule {
  return {
    id: policy.name,
    name: policy.name,
    shortDescription: { text: policy.description ?? `plumb policy ${policy.name} (${policy.action})` },
    defaultConfiguration: { level: SEVERITY_LEVEL[policy.severity] },
    properties: { action: policy.action, severity: policy.severity },
  };
}

function locations(file: string | undefined, line: number | undefined, column: number | undefined): Pick<SarifResult, 'locations'> {
  if (!file || file.startsWith('builtin:')) return {};
  const region = line ? { region: { startLine: line, ...(column ? { startColumn: column } : {}) } } : {};
  return { locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(file), uriBaseId: ROOT }, ...region } }] };
}
