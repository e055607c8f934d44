import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb backup [REF...] [--target NAME...]`: an on-demand backup of every CI
 * of the target(s) — default the config's defaultTarget, else all — or of the
 * named CIs. Prints the backup id (and, with -o json, its manifest).
 */
export function register(program: Command): void {
  const cmd = new Command('backup')
    .description('back up the actual state of CIs now (all CIs of the targets, or the named ones)')
    .argument('[refs...]', 'CIs to back up, as kind:namespace/name')
    .option('--target <name>', 'only this target (default: defaultTarget, else all)')
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb backup', 'back up every CI of the default target now'],
      ['plumb backup configmap:shop/checkout-config', 'back up one CI'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/backup.js')));
  program.addCommand(cmd);
}
