import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb impact REF... [--event change|delete|down] [--rev REV] [-o text|json]`:
 * what the CIs named would hit. The default event is `down` — "what breaks if
 * this fails" is the question an operator asks first. References are
 * `kind:namespace/name` or `kind:name` (the default namespace). An invalid
 * inventory is refused (exit 1): a graph with holes would understate the blast
 * radius.
 */
export function register(program: Command): void {
  const cmd = new Command('impact')
    .description('simulate what the named CIs hit when they go down, are deleted or are changed')
    .argument('<ref...>', 'CIs, e.g. database:shop/orders-db (kind:name means the default namespace)')
    .addOption(new Option('--event <event>', 'what happens to them').choices(['down', 'delete', 'change']).default('down'))
    .option('--rev <rev>', 'simulate on a Git branch, tag or commit instead of the work tree')
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb impact database:shop/orders-db', 'what breaks when this database goes down'],
      ['plumb impact host:shop/db-host-1 --event delete -o json', 'what deleting a host hits, as JSON'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/impact.js')));
  program.addCommand(cmd);
}
