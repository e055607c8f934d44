import { readIncidents, renderIncidentsText } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { runWithOutputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

interface IncidentsOptions extends GlobalOptions {
  stateDir?: string;
  open?: boolean;
}

/** `plumb incidents`'s action: what runs once commander has parsed the command line (cli/commands/incidents.ts). */
export const action = (opts: IncidentsOptions) =>
  runWithOutputs(opts, { command: 'incidents', defaultFormat: 'text' }, async (out) => {
    const { incidents: list } = await readIncidents({
      cwd: process.cwd(),
      ...(opts.repo ? { root: opts.repo } : {}),
      ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
      openOnly: opts.open === true,
    });
    await out.write((format, colors) => (format === 'json' ? JSON.stringify({ incidents: list }, null, 2) : renderIncidentsText(list, { colors })));
    return EXIT.ok;
  });
