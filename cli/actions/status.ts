import { readControllerStatus, renderStatusText } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { runWithOutputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

interface StatusOptions extends GlobalOptions {
  namespace: string;
  endpoint?: string;
}

/** `plumb status`'s action: what runs once commander has parsed the command line (cli/commands/status.ts). */
export const action = (opts: StatusOptions) =>
  runWithOutputs(opts, { command: 'status', defaultFormat: 'text' }, async (out) => {
    const report = await readControllerStatus(
      opts.endpoint ? { endpoint: opts.endpoint } : { kubeconfig: opts.kubeconfig, context: opts.context, namespace: opts.namespace },
    );
    await out.write((format, colors) => (format === 'json' ? JSON.stringify(report, null, 2) : renderStatusText(report, colors)));
    return EXIT.ok;
  });
