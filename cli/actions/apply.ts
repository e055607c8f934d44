import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Colors } from 'picocolors/types.js';
import {
  apply,
  inert,
  inertDeep,
  parseDuration,
  plan as runPlan,
  PlumbError,
  readPlanFile,
  renderDiagnosticsText,
  renderPlanText,
  type ApplyHooks,
  type ApplyReport,
  type ChangeOutcome,
  type DesiredState,
  type Diagnostic,
  type Plan,
} from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { parseNow } from '../parse-instant.js';
import { providerSettings } from '../program.js';
import { diagnosticOfError, runWithOutputs, type Outputs } from '../output.js';
import { colors, writeOut, type GlobalOptions } from '../run-command.js';

interface ApplyCliOptions extends GlobalOptions {
  autoApprove?: boolean;
  rollbackOnFailure?: boolean;
  rollbackAll?: boolean;
  overridePolicy?: string;
  breakLock?: boolean;
  prune?: boolean;
  adopt?: boolean;
  allowReplace?: boolean;
  concurrency: string;
  healthTimeout: string;
  wait: boolean;
  target?: string;
  now?: string;
}

async function applyCommand(planFile: string | undefined, opts: ApplyCliOptions, out: Outputs<string>): Promise<number> {
  const c = colors(opts);
  const err = stderrColors(opts);
  const concurrency = positiveInt(opts.concurrency, '--concurrency');
  const healthTimeoutMs = parseDurationOption(opts.healthTimeout, '--health-timeout');
  const cwd = process.cwd();
  let plan: Plan;
  let desired: DesiredState | undefined;
  let refused = 0;
  if (planFile) {
    // a saved plan was reviewed when it was written: no question asked (as Terraform does); what was
    // reviewed is what is applied — apply({ reviewed: true }) plans it again and requires the same changes
    plan = await readPlanFile(resolve(cwd, planFile));
  } else {
    const planned = await runPlan({
      repo: opts.repo,
      cwd,
      target: opts.target,
      now: parseNow(opts.now),
      cliSettings: providerSettings(opts),
    });
    if (!planned.plan) return out.fail(planned.diagnostics);
    plan = planned.plan;
    desired = planned.repo;
    // the plan goes to stdout as `plumb plan` prints it; with -o json stdout is the report's, so stderr
    if (out.format === 'json') process.stderr.write(renderPlanText(plan, { colors: err, diagnostics: planned.diagnostics }) + '\n');
    else await writeOut(renderPlanText(plan, { colors: c, diagnostics: planned.diagnostics }));
    // a CI its provider could not plan (the API server refused its dry run: admission, an invalid manifest, a 403) is
    // left out and the rest is applied — but it is not applied, so neither "matches the desired state" nor a success
    refused = new Set(planned.diagnostics.filter((d) => d.severity === 'error').map((d, i) => d.ci ?? `#${i}`)).size;
    const { create, update, replace = 0, delete: del } = plan.summary;
    if (create + update + replace + del === 0 && refused > 0) {
      await out.writeFailure(
        planned.diagnostics.filter((d) => d.severity === 'error'),
        {},
        false,
      );
      process.stderr.write(`${err.red('error')}: ${notPlanned(refused)}; nothing else to change\n`);
      return EXIT.failure;
    }
    if (create + update + replace + del === 0) {
      await out.write((format) =>
        format === 'json' ? JSON.stringify({ outcome: 'no-changes', planHash: plan.hash }, null, 2) : 'no changes: the actual state matches the desired state',
      );
      return EXIT.ok;
    }
    if (plan.policy.denied && !opts.overridePolicy) throw denied();
    if (!opts.autoApprove && !(await approved())) {
      process.stderr.write('apply cancelled: nothing was changed\n');
      return EXIT.failure;
    }
  }
  // Ctrl-C stops after the changes in flight, so the run still reports, audits and unlocks; a second one kills.
  const controller = new AbortController();
  const onSigint = () => {
    flushProgress();
    process.stderr.write('interrupted: finishing the changes in flight, then stopping (Ctrl-C again to kill)\n');
    controller.abort(new PlumbError('apply.interrupted', 'apply interrupted by the operator'));
    process.off('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  try {
    const report = await apply({
      plan,
      repo: opts.repo,
      cwd,
      ...(desired ? { desired } : { reviewed: true }),
      breakLock: opts.breakLock,
      cliSettings: providerSettings(opts),
      hooks: progressHooks(err),
      concurrency,
      healthTimeoutMs,
      wait: opts.wait !== false,
      rollbackOnFailure: opts.rollbackOnFailure,
      rollbackAll: opts.rollbackAll,
      overridePolicy: opts.overridePolicy,
      prune: opts.prune,
      adopt: opts.adopt,
      allowReplace: opts.allowReplace,
      ...(opts.target ? { targets: [opts.target] } : {}),
      signal: controller.signal,
    });
    flushProgress();
    await out.write((format, colors) => (format === 'json' ? JSON.stringify(report, null, 2) : renderReport(report, colors)));
    if (refused > 0) process.stderr.write(`${err.red('error')}: ${notPlanned(refused)}\n`);
    return report.outcome === 'succeeded' && refused === 0 ? EXIT.ok : EXIT.failure;
  } catch (e) {
    flushProgress();
    const diagnostics = e instanceof PlumbError && e.code === 'plan.stale' ? (e.data?.diagnostics as Diagnostic[] | undefined) : undefined;
    if (diagnostics) process.stderr.write(renderDiagnosticsText(diagnostics, err));
    if (e instanceof PlumbError && e.code === 'policy.denied') {
      await out.writeFailure([diagnosticOfError(e)], {}, false);
      process.stderr.write(`${err.red('error')}: ${e.message}\n  hint: ${e.hint}\n`);
      return EXIT.denied;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function notPlanned(n: number): string {
  return `${n === 1 ? 'a CI' : `${n} CIs`} could not be planned (the error${n === 1 ? '' : 's'} above): not applied, the actual state does not match the desired state`;
}

function denied(): PlumbError {
  return new PlumbError('policy.denied', 'the plan is denied by policy (see the policy results above)', {
    hint: 'fix the change, add a PolicyException, or apply with --override-policy "REASON" (recorded in the audit log)',
  });
}

/** Asks for `yes` on a terminal; without one, refuses (pipelines pass --auto-approve). */
async function approved(): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new PlumbError('apply.needs-approval', 'apply needs approval and there is no terminal to ask on', {
      hint: 'pass --auto-approve, or save the plan with `plumb plan --out plan.json` and apply that file',
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('\napply these changes? only `yes` is accepted: ');
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

function stderrColors(opts: GlobalOptions): Colors {
  return colors({ ...opts, color: opts.color !== false && Boolean(process.stderr.isTTY) ? opts.color : false });
}

/** Progress lines not yet written: the events of one turn of the event loop go out in one write. */
let pendingProgress = '';
let progressScheduled = false;
let progressOnExit = false;

/**
 * Writes the progress lines still held (see {@link progressHooks}); before
 * anything else goes to stderr, and at exit.
 */
export function flushProgress(): void {
  progressScheduled = false;
  if (pendingProgress === '') return;
  const text = pendingProgress;
  pendingProgress = '';
  process.stderr.write(text);
}

/**
 * Progress as lines on stderr, one per event — the CLI's rendering of the
 * engine's hooks. The lines of the events that happen in one turn of the
 * event loop (the answers of many writes in flight) are written together,
 * at the end of that turn (`setImmediate`): a first apply of 500 objects made
 * ~1,000 write system calls to a pipe for its progress, ~0.1 s of its CPU.
 * {@link flushProgress} writes them at once; a process that exits writes
 * them first.
 */
export function progressHooks(c: Colors): Partial<ApplyHooks> {
  // messages and ids come from providers and plugins: one line each, control characters escaped
  const line = (text: string) => {
    pendingProgress += `${text}\n`;
    if (pendingProgress.length >= 16_384) flushProgress();
    else if (!progressScheduled) {
      progressScheduled = true;
      setImmediate(flushProgress);
    }
  };
  if (!progressOnExit) {
    progressOnExit = true;
    process.once('exit', flushProgress);
  }
  const why = (o: ChangeOutcome) => (o.message ? `: ${inert(o.message)}` : '');
  return {
    onInterrupted: (r) =>
      line(
        `${c.yellow('warning')}: an earlier ${r.event.split('.')[0]} (run ${r.run}, by ${r.user}@${r.host} pid ${r.pid}, started ${r.time}, plan ${r.planHash ?? 'none'}) never finished; check its targets (${r.targets.join(', ')}) and backups`,
      ),
    onLockBroken: (l) =>
      line(`${c.yellow('warning')}: broke the orphaned lock on target ${l.target} (held by ${l.owner}@${l.host} pid ${l.pid} since ${l.startedAt})`),
    onWaveStart: (wave, changes) =>
      line(c.bold(`wave ${wave}`) + (changes.length ? c.dim(` (${changes.length} change${changes.length === 1 ? '' : 's'})`) : '')),
    onBackup: (_wave, id, ids) => line(c.dim(`  backup ${id} (${ids.length} CI${ids.length === 1 ? '' : 's'})`)),
    onChangeStart: (ch) => line(c.dim(`  ${ch.action} ${inert(ch.id)} …`)),
    onChangeApplied: (o) => line(`  ${c.green('✓')} ${o.action} ${inert(o.id)}`),
    onChangeFailed: (o) => line(`  ${c.red('✗')} ${o.action} ${inert(o.id)}${why(o)}`),
    onChangeSkipped: (o) => line(`  ${c.yellow('-')} ${o.action} ${inert(o.id)}${why(o)}`),
    onHealth: (_wave, results) => {
      for (const r of results) if (!r.healthy) line(`  ${c.red('✗')} health ${inert(r.id)}${r.message ? `: ${inert(r.message)}` : ''}`);
      if (results.length && results.every((r) => r.healthy)) line(`  ${c.green('✓')} health (${results.length})`);
    },
    onRollbackStart: (wave, id) => line(c.bold(`rollback wave ${wave}`) + c.dim(` from backup ${id}`)),
    onRollback: (r) =>
      line(
        r.ok
          ? `  ${c.green('✓')} restored ${inert(r.restored.join(', ')) || 'nothing'}`
          : `  ${c.red('✗')} rollback of wave ${r.wave} failed: ${inert(r.message ?? 'unknown')}`,
      ),
  };
}

/** The end-of-run report on stdout: the outcome, then every change that did not simply apply. */
export function renderReport(report: ApplyReport, c: Colors): string {
  report = inertDeep(report);
  const count = (r: ChangeOutcome['result']) => report.changes.filter((ch) => ch.result === r);
  const out: string[] = [];
  const head = {
    succeeded: c.green('apply succeeded'),
    failed: c.red('apply failed'),
    'rolled-back': c.yellow('apply failed and was rolled back'),
    aborted: c.red('apply aborted'),
  }[report.outcome];
  // an object applied but not (yet) healthy was applied: the report says so, and why it is unhealthy
  const unhealthy = count('unhealthy').length;
  out.push(
    `${head}${report.failedWave !== undefined ? ` in wave ${report.failedWave}` : ''}: ${count('applied').length + unhealthy} applied${unhealthy ? ` (${unhealthy} unhealthy)` : ''}, ${count('failed').length} failed, ${count('not-attempted').length} not attempted, ${count('skipped').length} skipped`,
  );
  for (const [label, result] of [
    ['failed', 'failed'],
    ['applied, unhealthy', 'unhealthy'],
    ['not attempted', 'not-attempted'],
    ['skipped', 'skipped'],
  ] as const) {
    for (const ch of count(result)) out.push(`  ${label}: ${ch.id} (wave ${ch.wave})${ch.message ? ` — ${ch.message}` : ''}`);
  }
  if (report.outcome !== 'succeeded') for (const ch of count('applied')) out.push(`  applied: ${ch.id} (wave ${ch.wave})`);
  for (const r of report.rollbacks)
    out.push(`  rolled back wave ${r.wave} from ${r.backup}: ${r.ok ? r.restored.join(', ') || 'nothing' : `FAILED (${r.message})`}`);
  if (report.backups.length) out.push(c.dim(`backups: ${report.backups.join(', ')}`));
  out.push(c.dim(`run ${report.run}, plan ${report.planHash}`));
  return out.join('\n');
}

export function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new PlumbError('cli.bad-option', `${flag} must be a positive whole number, not ${text}`, { hint: `e.g. ${flag} 4` });
  return n;
}

/** A duration option (`500ms`, `30s`, `2m`, `1h`, or a bare number of seconds: the one rule of engine/model/duration.ts); zero allowed. */
export function parseDurationOption(text: string, flag: string): number {
  return parseDuration(text, flag, { code: 'cli.bad-option', hint: `e.g. ${flag} 60s` });
}

/** `plumb apply`'s action: what runs once commander has parsed the command line (cli/commands/apply.ts). */
export const action = (planFile: string | undefined, opts: ApplyCliOptions) =>
  runWithOutputs(opts, { command: 'apply', defaultFormat: 'text' }, (out) => applyCommand(planFile, opts, out));
