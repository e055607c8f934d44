import { readIncidents, renderIncidentsText } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface IncidentsOptions extends GlobalOptions {
  stateDir?: string;
  open?: boolean;
}

/** `plumb incidents`'s action: what runs once commander has parsed the command line (cli/commands/incidents.ts). */
export const action = (opts: IncidentsOptions) =>
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
  });
