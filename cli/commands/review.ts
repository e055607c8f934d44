import { Command, Option } from 'commander';
import { PLAN_FORMATS, review, type PlanFormat } from '../../engine/index.js';
import { addGlobalOptions, providerSettings } from '../program.js';
import { runCommand, type GlobalOptions } from '../run-command.js';
import { emit, exitCode, failed, parseNow } from './plan.js';

interface ReviewOptions extends GlobalOptions {
  base: string;
  head?: string;
  target?: string;
  detailedExitcode?: boolean;
  now?: string;
}

/**
 * `plumb review --base REV [--head REV|worktree] [--target NAME] [-o text|json|sarif|markdown]`:
 * what a pull request changes in the desired state, what it hits, and whether
 * policies let it merge. Exit codes as `plan` (3 on a deny).
 */
export function register(program: Command): void {
  const cmd = new Command('review')
    .description('what a pull request changes (desired at --base vs --head), what it hits, and whether policies allow it')
    .requiredOption('--base <rev>', 'the revision the pull request starts from (e.g. origin/main)')
    .option('--head <rev>', 'the pull request revision, or `worktree` for uncommitted files', 'HEAD')
    .option('--target <name>', 'also show the drift of the changed CIs against this target')
    .option('--detailed-exitcode', 'exit 2 when there are changes (0: none)')
    .addOption(new Option('--now <iso>', 'the clock, for reproducible reviews in tests').hideHelp())
    .addOption(new Option('-o, --output <format>', 'output format').choices([...PLAN_FORMATS]).default('text'));
  addGlobalOptions(cmd).action((opts: ReviewOptions) =>
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
    }),
  );
  program.addCommand(cmd);
}
