import { resolve } from 'node:path';
import pc from 'picocolors';
import {
  plan,
  PlumbError,
  renderDiagnosticsText,
  renderPlanFile,
  renderPlanOutput,
  toSarif,
  writeFileAtomic,
  type Diagnostic,
  type Plan,
  type PlanFormat,
} from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { providerSettings } from '../program.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface PlanOptions extends GlobalOptions {
  rev?: string;
  target?: string;
  out?: string;
  detailedExitcode?: boolean;
  now?: string;
}

/** The exit code of a plan or review: a deny beats changes. */
export function exitCode(plan: Plan, detailed: boolean): number {
  if (plan.policy.denied) return EXIT.denied;
  const s = plan.summary;
  return detailed && s.create + s.update + (s.replace ?? 0) + s.delete > 0 ? EXIT.changes : EXIT.ok;
}

/** Writes the output; diagnostics go to stderr for the formats that have no place for them. */
export async function emit(
  format: PlanFormat,
  plan: Plan,
  diagnostics: readonly Diagnostic[],
  policies: readonly {
    name: string;
    severity: Plan['policy']['results'][number]['severity'];
    action: Plan['policy']['results'][number]['action'];
    description?: string;
  }[],
  command: 'plan' | 'review',
  opts: GlobalOptions,
): Promise<void> {
  await writeOut(renderPlanOutput(format, plan, { colors: colors(opts), command, diagnostics, policies }));
  if ((format === 'json' || format === 'markdown') && diagnostics.length) process.stderr.write(diagnosticsText(diagnostics));
}

/** No plan: the diagnostics say why (SARIF to stdout so CI can still upload it), exit 1. */
export async function failed(format: PlanFormat, diagnostics: readonly Diagnostic[], opts: GlobalOptions): Promise<number> {
  if (format === 'sarif') await writeOut(JSON.stringify(toSarif({ diagnostics }), null, 2));
  else process.stderr.write(diagnosticsText(diagnostics, opts));
  return EXIT.failure;
}

function diagnosticsText(diagnostics: readonly Diagnostic[], opts: GlobalOptions = {}): string {
  return renderDiagnosticsText(diagnostics, pc.createColors(opts.color !== false && Boolean(process.stderr.isTTY) && !process.env.NO_COLOR));
}

export function parseNow(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new PlumbError('cli.bad-now', `--now is not an ISO 8601 timestamp: ${text}`, { hint: 'e.g. --now 2026-01-01T12:00:00Z' });
  }
  return date;
}

/** `plumb plan`'s action: what runs once commander has parsed the command line (cli/commands/plan.ts). */
export const action = (opts: PlanOptions) =>
  runCommand(async () => {
    const result = await plan({
      repo: opts.repo,
      cwd: process.cwd(),
      rev: opts.rev,
      target: opts.target,
      now: parseNow(opts.now),
      cliSettings: providerSettings(opts),
    });
    const format = (opts.output ?? 'text') as PlanFormat;
    if (!result.plan) return failed(format, result.diagnostics, opts);
    if (opts.out) await writeFileAtomic(resolve(process.cwd(), opts.out), await renderPlanFile({ plan: result.plan, repo: result.repo }));
    await emit(format, result.plan, result.diagnostics, result.policies, 'plan', opts);
    return exitCode(result.plan, Boolean(opts.detailedExitcode));
  });
