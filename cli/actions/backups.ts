import { listBackups, type BackupManifest, type CorruptBackup } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { runWithOutputs } from '../output.js';
import type { colors, GlobalOptions } from '../run-command.js';

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

/** `plumb backups`'s action: what runs once commander has parsed the command line (cli/commands/backups.ts). */
export const action = (opts: GlobalOptions) =>
  runWithOutputs(opts, { command: 'backups', defaultFormat: 'text' }, async (out) => {
    const { backups: manifests, corrupt } = await listBackups({ repo: opts.repo, cwd: process.cwd() });
    await out.write((format, colors) =>
      format === 'json' ? JSON.stringify({ backups: manifests, corrupt }, null, 2) : renderBackups(manifests, corrupt, colors),
    );
    return EXIT.ok;
  });
