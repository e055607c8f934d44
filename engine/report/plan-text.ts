import type { Colors } from 'picocolors/types.js';
import { inertDeep } from './inert.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Plan, PlannedChange, PolicyResult } from '../plan/types.js';
import { blocks } from '../policy/denied.js';
import { orderPolicyResults } from './plan-policy-order.js';

export interface PlanTextOptions {
  /** picocolors' `createColors(enabled)`. */
  readonly colors: Colors;
  /** First line, e.g. `plan` or `review main..feature`. Default `plan`. */
  readonly title?: string;
  /** Shown after the plan, grouped as `file:line:column`. */
  readonly diagnostics?: readonly Diagnostic[];
  /** At most this many affected CIs are listed (the count is always given). Default 15. */
  readonly maxAffected?: number;
}

const SYMBOL = { create: '+', update: '~', replace: '±', delete: '-', noop: ' ' } as const;

/**
 * The plan for a person at a terminal, in the order they read it: one summary
 * line, the changes wave by wave (`+ create`, `~ update`, `- delete`, with
 * coloured unified diffs; unchanged CIs are counted, not listed), what is not
 * managed, the impact, and the policy results with what blocks first.
 */
export function renderPlanText(plan: Plan, options: PlanTextOptions): string {
  // strings from files, providers and plugins: control characters escaped (engine/report/inert.ts)
  plan = inertDeep(plan);
  if (options.diagnostics) options = { ...options, diagnostics: inertDeep(options.diagnostics) };
  const c = options.colors;
  const out: string[] = [];
  const where = plan.base
    ? `base ${shortRev(plan.base)} → head ${shortRev(plan.revision)}`
    : `revision ${shortRev(plan.revision)}, targets: ${plan.targets.join(', ') || 'none'}`;
  out.push(`${c.bold(options.title ?? 'plan')} ${c.dim(`(${where})`)}`);
  out.push(...policyChangeLines(plan, c));
  out.push(summaryLine(plan, c, notPlanned(plan, options.diagnostics)));
  out.push(...changeLines(plan.changes, c));
  if (plan.unmanaged.length > 0) {
    out.push('', c.bold(`unmanaged (${plan.unmanaged.length}, observed but not in Git — left alone):`));
    for (const u of plan.unmanaged) out.push(`  ${c.dim('?')} ${u.id} ${c.dim(`(${u.target})`)}`);
  }
  out.push(...impactLines(plan, c, options.maxAffected ?? 15));
  out.push(...policyLines(plan.policy.results, c, plan.headPolicy ? 'policies of the base (the gate):' : undefined));
  if (plan.headPolicy) out.push(...policyLines(plan.headPolicy.results, c, 'policies of the head (shown, not the gate):'));
  if (plan.drift) {
    out.push('', c.bold('drift of the changed CIs against the actual state:'));
    out.push(summaryLine(plan.drift, c));
    out.push(...changeLines(plan.drift.changes, c));
  }
  if (options.diagnostics?.length) out.push('', ...diagnosticLines(options.diagnostics, c));
  return out.join('\n') + '\n';
}

/**
 * The CIs an error beside the plan names that the plan holds as `noop`: a CI its provider could not plan (the API
 * server refused its dry run) is left out as a noop — not unchanged: nothing is known of it.
 */
function notPlanned(plan: Plan, diagnostics: readonly Diagnostic[] | undefined): number {
  if (!diagnostics?.length) return 0;
  const refused = new Set(diagnostics.filter((d) => d.severity === 'error' && d.ci !== undefined).map((d) => d.ci));
  if (!refused.size) return 0;
  return plan.changes.filter((ch) => ch.action === 'noop' && refused.has(ch.id)).length;
}

function summaryLine(plan: Plan, c: Colors, refused = 0): string {
  const s = plan.summary;
  const unchanged = [`${s.noop - refused} unchanged`, ...(refused ? [c.red(`${refused} not planned (the error${refused === 1 ? '' : 's'} below)`)] : [])];
  if (s.create + s.update + (s.replace ?? 0) + s.delete === 0)
    return `${refused ? 'no changes planned' : 'no changes'}: ${unchanged.join(', ')}, ${s.unmanaged} unmanaged`;
  return [
    c.green(`${s.create} to create`),
    c.yellow(`${s.update} to update`),
    ...(s.replace ? [c.magenta(`${s.replace} to replace`)] : []),
    c.red(`${s.delete} to delete`),
    ...unchanged,
    `${s.unmanaged} unmanaged`,
  ].join(', ');
}

function changeLines(changes: readonly PlannedChange[], c: Colors): string[] {
  const out: string[] = [];
  let wave = 0;
  for (const change of changes) {
    if (change.action === 'noop') continue;
    if (change.wave !== wave) {
      wave = change.wave;
      out.push('', c.bold(`wave ${wave}`));
    }
    const paint = change.action === 'create' ? c.green : change.action === 'delete' ? c.red : change.action === 'replace' ? c.magenta : c.yellow;
    const where = change.file ? ` ${c.dim(`${change.file}${change.line ? `:${change.line}` : ''}`)}` : '';
    const owner = change.owner
      ? ` ${c.magenta(`owned by inventory ${change.owner}: needs --adopt`)}`
      : change.cascadeOf
        ? ` ${c.red(`cascade: deleted with ${change.cascadeOf}`)}`
        : '';
    out.push(`  ${paint(`${SYMBOL[change.action]} ${change.action.padEnd(6)}`)} ${change.id} ${c.dim(`(${change.target})`)}${where}${owner}`);
    if (change.rendered)
      out.push(`      ${c.dim(`rendered by ${change.rendered.unit}${change.rendered.source !== change.file ? ` from ${change.rendered.source}` : ''}`)}`);
    if (change.replace)
      out.push(
        `      ${c.magenta(`replace (delete + create): the server will not change ${change.replace.fields.join(', ')} in place; needs --allow-replace or the annotation plumb.io/replace: allowed`)}`,
      );
    if (change.action === 'update' || change.action === 'replace') for (const line of diffBody(change.diff)) out.push(`      ${colourDiffLine(line, c)}`);
  }
  return out;
}

/** The unified diff without its `---`/`+++`/`Index` header lines, which repeat the CI. */
function diffBody(diff: string): string[] {
  return diff.split('\n').filter((l) => l !== '' && !/^(---|\+\+\+|Index:|=+$)/.test(l));
}

function colourDiffLine(line: string, c: Colors): string {
  if (line.startsWith('+')) return c.green(line);
  if (line.startsWith('-')) return c.red(line);
  if (line.startsWith('@@')) return c.cyan(line);
  return c.dim(line);
}

function impactLines(plan: Plan, c: Colors, max: number): string[] {
  const i = plan.impact;
  if (i.sources.length === 0) return [];
  const level = i.risk.level === 'critical' || i.risk.level === 'high' ? c.red : i.risk.level === 'medium' ? c.yellow : c.green;
  const out = [
    '',
    `${c.bold('impact:')} risk ${level(`${i.risk.level} (${i.risk.score}/100)`)}, ${i.affected.length} CI${i.affected.length === 1 ? '' : 's'} affected`,
  ];
  for (const s of i.businessServices) out.push(`  business service ${s.id} ${c.dim(`(${s.criticality})`)}: ${paintState(s.state, c)}`);
  for (const a of i.affected.slice(0, max)) {
    const would = a.wouldBe ? ` ${c.dim(`(would be ${a.wouldBe})`)}` : '';
    out.push(`  ${paintState(a.state, c)} ${a.id}${would} ${c.dim(`via ${a.path.join(' → ')}`)}`);
  }
  if (i.affected.length > max) out.push(c.dim(`  … and ${i.affected.length - max} more (-o json lists them all)`));
  return out;
}

function paintState(state: string, c: Colors): string {
  if (state === 'down') return c.red(state);
  if (state === 'degraded') return c.yellow(state);
  if (state === 'at-risk') return c.magenta(state);
  return c.green(state);
}

/** Policy results, denials first, with the outcome marked: shared by plan, review and validate. */
/**
 * A review's policy and exception changes, first thing after the title: the
 * base's policies decide, so a pull request that edits them must say so loudly.
 */
export function policyChangeLines(plan: Plan, c: Colors): string[] {
  const changes = plan.policyChanges ?? [];
  if (changes.length === 0) return [];
  const out = [
    c.yellow(
      c.bold(
        `this pull request changes ${changes.length} polic${changes.length === 1 ? 'y or exception' : 'ies or exceptions'} (the base's policies are the gate):`,
      ),
    ),
  ];
  for (const p of changes) {
    const mark = p.change === 'removed' ? c.red('- removed') : p.change === 'changed' ? c.yellow('~ changed') : c.green('+ added  ');
    out.push(`  ${mark} ${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name} ${c.dim(`(${p.file}:${p.line})`)}`);
  }
  return out;
}

export function policyLines(results: readonly PolicyResult[], c: Colors, title = 'policies:'): string[] {
  if (results.length === 0) return ['', `${c.bold(title)} ${c.green('all passed')}`];
  const denied = results.filter(blocks).length;
  const warned = results.filter((r) => r.action === 'warn' && r.outcome !== 'excepted').length;
  const head = [denied ? c.red(`${denied} denied`) : c.green('nothing denied'), warned ? c.yellow(`${warned} warning${warned === 1 ? '' : 's'}`) : undefined]
    .filter(Boolean)
    .join(', ');
  const out = ['', `${c.bold(title)} ${head}`];
  for (const r of orderPolicyResults(results)) {
    const mark =
      r.outcome === 'excepted'
        ? c.dim('○ excepted')
        : r.action === 'deny'
          ? c.red('✗ deny    ')
          : r.action === 'warn'
            ? c.yellow('! warn    ')
            : c.dim('· audit   ');
    const error = r.outcome === 'error' ? c.red(' (evaluation failed' + (r.action === 'deny' ? ', fails closed)' : ')')) : '';
    const exception = r.exception ? c.dim(` [exception ${r.exception}]`) : '';
    out.push(`  ${mark} ${r.policy} ${c.dim(r.ci ?? '(plan)')}: ${r.message}${error}${exception}`);
  }
  return out;
}

/** Diagnostics as `file:line:column: severity [code] message (hint)`, one a line, for stderr. */
export function renderDiagnosticsText(diagnostics: readonly Diagnostic[], colors: Colors): string {
  diagnostics = inertDeep(diagnostics);
  return diagnostics.length ? diagnosticLines(diagnostics, colors).join('\n') + '\n' : '';
}

function diagnosticLines(diagnostics: readonly Diagnostic[], c: Colors): string[] {
  return diagnostics.map((d) => {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ` : '';
    const sev = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.dim('info');
    return `${where}${sev} ${c.dim(`[${d.code}]`)} ${d.message}${d.hint ? c.dim(` (${d.hint})`) : ''}`;
  });
}

export function shortRev(revision: string): string {
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision;
}
