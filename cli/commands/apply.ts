import { Command, Option } from 'commander';
import { addGlobalOptions, addForceConflicts, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb apply [plan.json]`. With a file, applies that saved plan — it was
 * reviewed when it was written, so it is not asked about again (as Terraform
 * does). Without one, plans, prints the plan and asks for `yes` on a terminal;
 * without a terminal it needs --auto-approve. Exit 0 success, 1 failure (with
 * the applied / failed / not attempted report), 3 a policy denied.
 */
export function register(program: Command): void {
  const cmd = new Command('apply')
    .description('apply a plan wave by wave: back up, change, health-check; stop (and optionally roll back) on failure')
    .argument('[plan]', 'a plan written by `plumb plan --out plan.json`; without it, plan now and ask')
    .option('--auto-approve', 'apply without asking (pipelines)')
    .option('--rollback-on-failure', "restore the failed wave's backups")
    .option('--rollback-all', "with --rollback-on-failure: restore every applied wave's backups too, newest first")
    .option('--override-policy <reason>', 'apply although a policy denied; the reason goes to the audit log')
    .option('--break-lock', 'break a lock whose holder is gone (it is reported, never silent)')
    .option('--prune', "apply the plan's deletes (otherwise skipped and reported); plumb.yaml's sync.prune is the controller's, not this command's")
    .option(
      '--allow-replace',
      'carry out replaces (delete + create) of objects whose immutable fields changed; otherwise only those annotated plumb.io/replace: allowed',
    )
    .option('--adopt', 'take over objects another inventory owns (the plan names them and their owner)')
    .option('--concurrency <n>', 'changes applied at once inside a wave', '4')
    .option('--health-timeout <duration>', 'per wave; a check that does not answer in time fails', '60s')
    .option('--wait', 'wait after each wave until what it applied is healthy (the default; plumb.yaml health.wait: false turns it off per kind)')
    .option('--no-wait', 'do not wait for health: every wave follows the one before as soon as it is applied')
    .option('--target <name>', 'only this target of plumb.yaml (default: defaultTarget, else all)')
    .addOption(new Option('--now <iso>', 'the planning clock (tests)').hideHelp())
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb apply plan.json', 'apply a saved plan (refused when what it observed has changed)'],
      ['plumb apply --auto-approve --rollback-on-failure', 'plan and apply without asking; restore a failed wave'],
      ['plumb apply plan.json --prune --override-policy "CHG-1234 approved"', "also delete what left Git, over a policy's denial (recorded)"],
    ],
    exits: ['ok', 'failure', 'denied'],
  });
  addGlobalOptions(addForceConflicts(cmd)).action(lazyAction(() => import('../actions/apply.js')));
  program.addCommand(cmd);
}
