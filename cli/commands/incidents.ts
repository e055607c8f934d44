import { Command, Option } from 'commander';
import { readIncidents, renderIncidentsText } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { addGlobalOptions } from '../program.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface IncidentsOptions extends GlobalOptions {
  stateDir?: string;
  open?: boolean;
}

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
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  addGlobalOptions(cmd).action((opts: IncidentsOptions) =>
    runCommand(async () => {
      const { incidents: list } = await readIncidents({
        cwd: process.cwd(),
        ...(opts.repo ? { root: opts.repo } : {}),
        ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
        openOnly: opts.open === true,
      });
      if (opts.output === 'json') await writeOut(JSON.stringify({ incidents: list }, null, 2));
      else await writeOut(renderIncidentsText(list, { colors: colors(opts) }));
      return EXIT.ok;
    }),
  );
  program.addCommand(cmd);
}
