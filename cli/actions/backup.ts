import { backup, PlumbError, refToId } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { providerSettings } from '../program.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface BackupCliOptions extends GlobalOptions {
  target?: string;
}

async function backupCommand(refs: string[], opts: BackupCliOptions): Promise<number> {
  const c = colors(opts);
  const ids = refs.map((r) => {
    const id = refToId(r);
    if (!id) throw new PlumbError('cli.bad-ref', `not a reference: ${r}`, { hint: 'write CIs as kind:namespace/name, e.g. file:default/motd' });
    return id;
  });
  const { manifest, targets, store } = await backup({ repo: opts.repo, cwd: process.cwd(), target: opts.target, ids, cliSettings: providerSettings(opts) });
  await writeOut(
    opts.output === 'json'
      ? JSON.stringify(manifest, null, 2)
      : `${c.green('backup')} ${manifest.id}: ${manifest.cis.length} CI${manifest.cis.length === 1 ? '' : 's'} from ${targets.join(', ')} (${store.kind} store ${store.path})`,
  );
  return EXIT.ok;
}

/** `plumb backup`'s action: what runs once commander has parsed the command line (cli/commands/backup.ts). */
export const action = (refs: string[], opts: BackupCliOptions) => runCommand(() => backupCommand(refs, opts));
