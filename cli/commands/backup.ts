import { Command, Option } from 'commander';
import { openApplyContext } from '../../engine/apply/open-targets.js';
import { onDemandBackup } from '../../engine/backup/on-demand-backup.js';
import { loadRepository } from '../../engine/load/load-repository.js';
import type { CI } from '../../engine/model/ci.js';
import { PlumbError } from '../../engine/model/errors.js';
import { refToId } from '../../engine/model/reference.js';
import { selectDesired } from '../../engine/providers/registry.js';
import { selectTargets } from '../../engine/plan/select-targets.js';
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
  const repo = await loadRepository({ repo: opts.repo, cwd: process.cwd() });
  const targets = selectTargets(repo.config, opts.target);
  const ids = refs.map((r) => {
    const id = refToId(r);
    if (!id) throw new PlumbError('cli.bad-ref', `not a reference: ${r}`, { hint: 'write CIs as kind:namespace/name, e.g. file:default/motd' });
    return id;
  });
  const context = await openApplyContext({ root: repo.root, config: repo.config, targets, cliSettings: providerSettings(opts) });
  try {
    const desired = new Map<string, readonly CI[]>(targets.map((t) => [t, selectDesired(repo.config.targets[t], t, repo.cis)]));
    const { manifest } = await onDemandBackup({
      store: context.backupStore,
      providers: context.providers,
      desired,
      ...(ids.length ? { ids } : {}),
      revision: repo.revision,
    });
    await writeOut(
      opts.output === 'json'
        ? JSON.stringify(manifest, null, 2)
        : `${c.green('backup')} ${manifest.id}: ${manifest.cis.length} CI${manifest.cis.length === 1 ? '' : 's'} from ${targets.join(', ')} (${context.backupStore.kind} store ${context.backupStore.path})`,
    );
    return EXIT.ok;
  } finally {
    await context.close();
  }
}
