import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb backups [-o text|json]`: the backups in the configured store, oldest
 * first. Only manifests are read — ids, CIs and checksums — so no secret value
 * can ever be listed.
 */
export function register(program: Command): void {
  const cmd = new Command('backups')
    .description('list the backups in the configured store (manifests only, never values)')
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb backups', 'every backup of the configured store, oldest first'],
      ['plumb backups -o json', 'the manifests as JSON'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/backups.js')));
  program.addCommand(cmd);
}
