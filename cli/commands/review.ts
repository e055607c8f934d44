import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';
import { PLAN_OUTPUTS } from './plan.js';

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
    .addOption(outputOption([...PLAN_OUTPUTS], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb review --base origin/main', 'what this branch changes against main: CIs, impact, policies'],
      ['plumb review --base origin/main --head worktree', 'include the uncommitted files'],
      ['plumb review --base origin/main -o markdown > comment.md', 'a pull-request comment'],
    ],
    exits: ['ok', 'failure', 'changes', 'denied'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/review.js')));
  program.addCommand(cmd);
}
