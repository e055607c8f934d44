import { Command, Option } from 'commander';
import { backup, PlumbError, refToId } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { addGlobalOptions, providerSettings } from '../program.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface BackupCliOptions extends GlobalOptions {
  target?: string;
}

/**
 * `plumb backup [REF...] [--target NAME...]`: an on-demand backup of every CI
 * of the target(s) — default the config's defaultTarget, else all — or of the
 * named CIs. Prints the backup id (and, with -o json, its manifest).
 */
export function register(program: Command): void {
  const cmd = new Command('backup')
    .description('back up the actual state of CIs now (all CIs of the targets, or the named ones)')
    .argument('[refs...]', 'CIs to back up, as kind:namespace/name')
    .option('--target <name>', 'only this target (default: defaultTarget, else all)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  addGlobalOptions(cmd).action((refs: string[], opts: BackupCliOptions) => runCommand(() => backupCommand(refs, opts)));
  program.addCommand(cmd);
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
