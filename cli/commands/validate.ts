import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/** `plumb validate [--rev REV] [-o text|json|sarif]`: exit 0, 1 with errors, 3 when an inventory policy denies. */
export function register(program: Command): void {
  const cmd = new Command('validate')
    .description('check every CI: schemas, names, references, relation types, cycles, Kubernetes basics, inventory policies')
    .option('--rev <rev>', 'validate a Git branch, tag or commit instead of the work tree')
    .addOption(new Option('--now <iso>', 'the clock policies see, for reproducible results in tests').hideHelp())
    .addOption(outputOption(['text', 'json', 'sarif'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb validate', 'check the work tree: schemas, references, cycles, inventory policies'],
      ['plumb validate --rev origin/main -o json', 'check a branch without checking it out, as JSON'],
      ['plumb validate -o sarif > validate.sarif', 'SARIF for code scanning'],
    ],
    exits: ['ok', 'failure', 'denied'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/validate.js')));
  program.addCommand(cmd);
}
