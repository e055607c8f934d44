import { Command, Option } from 'commander';
import { addGlobalOptions, addForceConflicts, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb restore ID|latest [REF...] [--dry-run] [--auto-approve]`: verifies every
 * checksum of the backup first (refusing, with the bad artifacts named, on any
 * mismatch), then restores as apply applies — the current state backed up
 * first, waves in the CIs' plan order, health checks, locks, audit log.
 * `--dry-run` changes nothing and prints what would be restored.
 */
export function register(program: Command): void {
  const cmd = new Command('restore')
    .description('restore CIs from a backup (checksums verified first), as an apply would')
    .argument('<id>', 'backup id (see `plumb backups`), or `latest` for the newest backup')
    .argument('[refs...]', 'only these CIs, as kind:namespace/name')
    .option('--dry-run', 'change nothing; say what would be restored')
    .option('--auto-approve', 'restore without asking')
    .option('--break-lock', 'break a lock whose holder is gone (reported, never silent)')
    .option('--health-timeout <duration>', 'per wave; a check that does not answer in time fails', '60s')
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb restore 20261125T101500Z-3fa2c1 --dry-run', 'what a restore would change, changing nothing'],
      ['plumb restore 20261125T101500Z-3fa2c1 configmap:shop/checkout-config --auto-approve', 'restore one CI of a backup without asking'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(addForceConflicts(cmd)).action(lazyAction(() => import('../actions/restore.js')));
  program.addCommand(cmd);
}
