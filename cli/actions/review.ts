import { review, type PlanFormat } from '../../engine/index.js';
import { providerSettings } from '../program.js';
import { runWithOutputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';
import { emit, exitCode, parseNow } from './plan.js';

interface ReviewOptions extends GlobalOptions {
  base: string;
  head?: string;
  target?: string;
  detailedExitcode?: boolean;
  now?: string;
}

/** `plumb review`'s action: what runs once commander has parsed the command line (cli/commands/review.ts). */
export const action = (opts: ReviewOptions) =>
  runWithOutputs<PlanFormat>(
    opts,
    { command: 'review', defaultFormat: 'text' },
    async (out) => {
      const result = await review({
        repo: opts.repo,
        cwd: process.cwd(),
        base: opts.base,
        head: opts.head,
        target: opts.target,
        now: parseNow(opts.now),
        cliSettings: providerSettings(opts),
      });
      if (!result.plan) return out.fail(result.diagnostics, { base: opts.base, revision: result.head.revision });
      await emit(out, result.plan, result.diagnostics, result.policies, 'review');
      return exitCode(result.plan, Boolean(opts.detailedExitcode));
    },
    () => ({ base: opts.base, revision: opts.head ?? 'HEAD' }),
  );
