import { resolve } from 'node:path';
import pc from 'picocolors';
import {
  plan,
  PlumbError,
  renderDiagnosticsText,
  renderPlanFile,
  renderPlanOutputChunks,
  writeFileAtomic,
  type Diagnostic,
  type Plan,
  type PlanFormat,
} from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { parseNow } from '../parse-instant.js';
import { providerSettings } from '../program.js';
import { runWithOutputs, type Outputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

interface PlanOptions extends GlobalOptions {
  rev?: string;
  target?: string;
  out?: string;
  detailedExitcode?: boolean;
  now?: string;
}

/**
 * What `plan --out FILE` says on stderr once the file is written (as
 * `terraform plan -out` does): where the plan went and the command that
 * applies exactly it — or why applying it would be refused or pointless.
 * On stderr, so stdout stays the chosen `-o` format.
 */
export function savedPlanText(out: string, plan: Plan): string {
  const file = /^[\w./@:+-]+$/.test(out) ? out : `'${out.replace(/'/g, "'\\''")}'`;
  const s = plan.summary;
  const changes = s.create + s.update + (s.replace ?? 0) + s.delete;
  const next = plan.policy.denied
    ? `A policy denied this plan: \`plumb apply ${file}\` refuses it unless given --override-policy REASON (recorded in the audit log).`
    : changes === 0
      ? 'It has no changes: applying it would change nothing.'
      : `To apply exactly this plan, run:\n  plumb apply ${file}`;
  return `\nSaved the plan to ${out}.\n${next}\n`;
}

/**
 * The exit code of a plan or review: a deny beats errors, errors beat changes. An error reported beside a plan is a
 * CI its provider could not plan (the API server refused its dry run — admission, a manifest it calls invalid, a
 * 403): it is left out and the rest is planned, but the plan is not the desired state whole, so not a success.
 */
export function exitCode(plan: Plan, detailed: boolean, diagnostics: readonly Diagnostic[] = []): number {
  if (plan.policy.denied) return EXIT.denied;
  if (diagnostics.some((d) => d.severity === 'error')) return EXIT.failure;
  const s = plan.summary;
  return detailed && s.create + s.update + (s.replace ?? 0) + s.delete > 0 ? EXIT.changes : EXIT.ok;
}

/**
 * Writes every output of a plan or review; each format carries the
 * diagnostics (renderPlanOutput). For JSON and Markdown on stdout they go to
 * stderr as text too, so a job log shows them beside the artifact.
 */
export async function emit(
  out: Outputs<PlanFormat>,
  plan: Plan,
  diagnostics: readonly Diagnostic[],
  policies: readonly {
    name: string;
    severity: Plan['policy']['results'][number]['severity'];
    action: Plan['policy']['results'][number]['action'];
    description?: string;
  }[],
  command: 'plan' | 'review',
): Promise<void> {
  await out.write((format, colors) => renderPlanOutputChunks(format, plan, { colors, command, diagnostics, policies }));
  if ((out.format === 'json' || out.format === 'markdown') && diagnostics.length) process.stderr.write(diagnosticsText(diagnostics));
}

function diagnosticsText(diagnostics: readonly Diagnostic[]): string {
  return renderDiagnosticsText(diagnostics, pc.createColors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR));
}

export { parseNow };

/** `plumb plan`'s action: what runs once commander has parsed the command line (cli/commands/plan.ts). */
export const action = (opts: PlanOptions) =>
  runWithOutputs<PlanFormat>(opts, { command: 'plan', defaultFormat: 'text' }, async (out) => {
    const result = await plan({
      repo: opts.repo,
      cwd: process.cwd(),
      rev: opts.rev,
      target: opts.target,
      now: parseNow(opts.now),
      cliSettings: providerSettings(opts),
    });
    if (!result.plan) return out.fail(result.diagnostics, opts.rev ? { revision: opts.rev } : {});
    if (opts.out) await writeFileAtomic(resolve(process.cwd(), opts.out), await renderPlanFile({ plan: result.plan, repo: result.repo }));
    await emit(out, result.plan, result.diagnostics, result.policies, 'plan');
    if (opts.out) process.stderr.write(savedPlanText(opts.out, result.plan));
    return exitCode(result.plan, Boolean(opts.detailedExitcode), result.diagnostics);
  });
