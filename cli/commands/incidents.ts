import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb incidents [--state-dir DIR] [--open] [-o text|json]`: the incidents
 * the controller's correlator keeps (`<stateDir>/incidents.json`, stateDir
 * from plumb.yaml's `notifications.stateDir`, default `.plumb/incidents`):
 * open ones, then those resolved in the last 24 hours — cause, symptoms with
 * paths, business services hit with criticality, likely change and the
 * `plumb restore` that undoes it. Read-only; no cluster or network access.
 */
export function register(program: Command): void {
  const cmd = new Command('incidents')
    .description('list open and recent incidents: cause, symptoms, business services hit, likely change, suggested restore')
    .option('--state-dir <dir>', "the controller's state directory (default: plumb.yaml notifications.stateDir, else .plumb/incidents)")
    .option('--open', 'only the open incidents')
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb incidents --open', "the controller's open incidents: cause, symptoms, likely change, the restore that undoes it"],
      ['plumb incidents -o json', 'open and recently resolved incidents, as JSON'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/incidents.js')));
  program.addCommand(cmd);
}
