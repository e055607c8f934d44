import { Command, Option } from 'commander';
import type { PlanFormat } from '../../engine/index.js';
import { addGlobalOptions, addForceConflicts, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb plan [--rev REV] [--target NAME] [--out plan.json] [--detailed-exitcode] [-o text|json|sarif|markdown]`.
 * Exit 1 on invalid input or a provider failure, 3 when a policy denies, 2 with
 * --detailed-exitcode when there are changes, else 0 (Terraform's convention).
 */
export function register(program: Command): void {
  const cmd = new Command('plan')
    .description('compare the desired state in Git with the actual state: changes in waves, impact, policies')
    .option('--rev <rev>', 'plan a Git branch, tag or commit instead of the work tree')
    .option('--target <name>', 'plan against this target of plumb.yaml (default: defaultTarget, else all)')
    .option('--out <file>', 'also write the plan artifact (JSON) to this file, atomically, for `plumb apply`')
    .option('--detailed-exitcode', 'exit 2 when there are changes (0: none)')
    .addOption(new Option('--now <iso>', 'the clock, for reproducible plans in tests').hideHelp())
    .addOption(outputOption([...PLAN_OUTPUTS], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb plan', 'what would change, what it hits, and whether the policies let it go'],
      ['plumb plan --out plan.json', 'save the plan, then apply exactly it with `plumb apply plan.json`'],
      ['plumb plan --target shop --detailed-exitcode', 'in a pipeline: exit 2 when there are changes'],
      ['plumb --context staging plan -o json', 'against another kubeconfig context, as JSON'],
    ],
    exits: ['ok', 'failure', 'changes', 'denied'],
  });
  addGlobalOptions(addForceConflicts(cmd)).action(lazyAction(() => import('../actions/plan.js')));
  program.addCommand(cmd);
}

/**
 * The formats of `plan -o` and `review -o`: the engine's PLAN_FORMATS, spelled
 * here because defining a command loads no engine code; the compiler checks
 * both ways that the lists agree.
 */
export const PLAN_OUTPUTS = ['text', 'json', 'sarif', 'markdown'] as const satisfies readonly PlanFormat[];
const everyFormat: Exclude<PlanFormat, (typeof PLAN_OUTPUTS)[number]> extends never ? true : never = true;
void everyFormat;
