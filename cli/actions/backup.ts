import { backup, PlumbError, refToId } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { providerSettings } from '../program.js';
import { runWithOutputs, type Outputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

interface BackupCliOptions extends GlobalOptions {
  target?: string;
}

async function backupCommand(refs: string[], opts: BackupCliOptions, out: Outputs<string>): Promise<number> {
  const ids = refs.map((r) => {
    const id = refToId(r);
    if (!id) throw new PlumbError('cli.bad-ref', `not a reference: ${r}`, { hint: 'write CIs as kind:namespace/name, e.g. file:default/motd' });
    return id;
  });
  const { manifest, targets, store } = await backup({ repo: opts.repo, cwd: process.cwd(), target: opts.target, ids, cliSettings: providerSettings(opts) });
  await out.write((format, c) =>
    format === 'json'
      ? JSON.stringify(manifest, null, 2)
      : `${c.green('backup')} ${manifest.id}: ${manifest.cis.length} CI${manifest.cis.length === 1 ? '' : 's'} from ${targets.join(', ')} (${store.kind} store ${store.path})`,
  );
  return EXIT.ok;
}

/** `plumb backup`'s action: what runs once commander has parsed the command line (cli/commands/backup.ts). */
export const action = (refs: string[], opts: BackupCliOptions) =>
  runWithOutputs(opts, { command: 'backup', defaultFormat: 'text' }, (out) => backupCommand(refs, opts, out));
