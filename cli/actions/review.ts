import { review, type PlanFormat } from '../../engine/index.js';
import { providerSettings } from '../program.js';
import { runCommand, type GlobalOptions } from '../run-command.js';
import { emit, exitCode, failed, parseNow } from './plan.js';

interface ReviewOptions extends GlobalOptions {
  base: string;
  head?: string;
  target?: string;
  detailedExitcode?: boolean;
  now?: string;
}

/** `plumb review`'s action: what runs once commander has parsed the command line (cli/commands/review.ts). */
export const action = (opts: ReviewOptions) =>
  runCommand(async () => {
    const result = await review({
      repo: opts.repo,
      cwd: process.cwd(),
      base: opts.base,
      head: opts.head,
      target: opts.target,
      now: parseNow(opts.now),
      cliSettings: providerSettings(opts),
    });
    const format = (opts.output ?? 'text') as PlanFormat;
    if (!result.plan) return failed(format, result.diagnostics, opts);
    await emit(format, result.plan, result.diagnostics, result.policies, 'review', opts);
    return exitCode(result.plan, Boolean(opts.detailedExitcode));
  });
