import { Command, Option } from 'commander';
import { listBackups, type BackupManifest, type CorruptBackup } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { addGlobalOptions } from '../program.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';

/**
 * `plumb backups [-o text|json]`: the backups in the configured store, oldest
 * first. Only manifests are read — ids, CIs and checksums — so no secret value
 * can ever be listed.
 */
export function register(program: Command): void {
  const cmd = new Command('backups')
    .description('list the backups in the configured store (manifests only, never values)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  addGlobalOptions(cmd).action((opts: GlobalOptions) =>
    runCommand(async () => {
      const { backups: manifests, corrupt } = await listBackups({ repo: opts.repo, cwd: process.cwd() });
      await writeOut(opts.output === 'json' ? JSON.stringify({ backups: manifests, corrupt }, null, 2) : renderBackups(manifests, corrupt, colors(opts)));
      return EXIT.ok;
    }),
  );
  program.addCommand(cmd);
}

function renderBackups(manifests: readonly BackupManifest[], corrupt: readonly CorruptBackup[], c: ReturnType<typeof colors>): string {
  const broken = corrupt.map((b) => `${c.bold(b.id)}  ${c.red('corrupt')}: ${b.problem}`);
  if (manifests.length === 0) return [...broken, ...(broken.length ? [] : ['no backups'])].join('\n');
  return [
    ...manifests.map((m) => {
      const targets = [...new Set(m.cis.map((ci) => ci.target))].join(', ');
      const why = m.reason === 'apply' ? `apply wave ${m.wave ?? '?'} of plan ${m.planHash?.slice(0, 12)}` : m.reason;
      const shown =
        m.cis
          .slice(0, 3)
          .map((ci) => ci.id)
          .join(', ') + (m.cis.length > 3 ? `, … (${m.cis.length - 3} more)` : '');
      return `${c.bold(m.id)}  ${m.time}  ${why}  ${c.dim(`[${targets}]`)}  ${m.cis.length} CI${m.cis.length === 1 ? '' : 's'}: ${shown}`;
    }),
    ...broken,
  ].join('\n');
}
