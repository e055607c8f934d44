import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb discover [--target NAME] [-o yaml|json] [--out FILE]`: what a target's
 * provider sees, as a snapshot (the file a `snapshot` target reads). Secret
 * values are written as `(sensitive)`. Exit 1 with diagnostics on failure.
 */
export function register(program: Command): void {
  const cmd = new Command('discover')
    .description('record the actual state a target sees as a snapshot (secrets redacted), for offline plans and reviews')
    .option('--target <name>', 'the target of plumb.yaml to discover (default: defaultTarget, else the only one)')
    .option('--out <file>', 'write the snapshot to this file (atomically) instead of stdout')
    .addOption(outputOption(['yaml', 'json'], 'yaml'));
  documentCommand(cmd, {
    examples: [
      ['plumb discover --target shop -o yaml > snapshot.yaml', 'record the actual state of a target, to plan against offline'],
      ['plumb --context prod discover --target cluster --out observed/prod.yaml', "another context's cluster, written atomically to a file"],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/discover.js')));
  program.addCommand(cmd);
}
