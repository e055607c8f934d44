import { PlumbError, refToId, restore, type RestoreReport } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { providerSettings } from '../program.js';
import { runWithOutputs, type Outputs } from '../output.js';
import { colors, type GlobalOptions } from '../run-command.js';
import { flushProgress, parseDurationOption, progressHooks } from './apply.js';

interface RestoreCliOptions extends GlobalOptions {
  dryRun?: boolean;
  autoApprove?: boolean;
  breakLock?: boolean;
  healthTimeout: string;
}

async function restoreCommand(backupId: string, refs: string[], opts: RestoreCliOptions, out: Outputs<string>): Promise<number> {
  const healthTimeoutMs = parseDurationOption(opts.healthTimeout, '--health-timeout');
  const ids = refs.map((r) => refToId(r) ?? badRef(r));
  if (!opts.dryRun && !opts.autoApprove && !process.stdin.isTTY) {
    throw new PlumbError('restore.needs-approval', 'restore changes actual state and there is no terminal to ask on', {
      hint: 'pass --auto-approve (see what it would do first with --dry-run)',
    });
  }
  const report = await restore({
    repo: opts.repo,
    cwd: process.cwd(),
    backupId,
    ids,
    dryRun: opts.dryRun,
    healthTimeoutMs,
    breakLock: opts.breakLock,
    cliSettings: providerSettings(opts),
    hooks: opts.dryRun ? {} : progressHooks(colors({ ...opts, color: Boolean(process.stderr.isTTY) && opts.color !== false })),
    ...(opts.autoApprove ? {} : { confirm: (manifest) => confirm(`restore ${ids.length || manifest.cis.length} CI(s) from backup ${manifest.id}?`) }),
  }).finally(flushProgress);
  if (!report) {
    process.stderr.write('restore cancelled: nothing was changed\n');
    return EXIT.failure;
  }
  await out.write((format, c) => (format === 'json' ? JSON.stringify(report, null, 2) : renderRestore(report, c)));
  return report.outcome === 'succeeded' ? EXIT.ok : EXIT.failure;
}

function renderRestore(report: RestoreReport, c: ReturnType<typeof colors>): string {
  const out: string[] = [];
  if (report.dryRun) {
    out.push(`${c.bold('restore (dry run)')} from backup ${report.backup}: nothing was changed; it would:`);
    for (const ch of report.changes) {
      const verb = ch.result === 'unchanged' ? 'leave' : ch.action === 'delete' ? 'delete' : 'restore';
      const note =
        ch.result === 'unchanged' ? c.dim(' — unchanged: it already equals the backup') : ch.result === 'failed' ? c.red(` — would fail: ${ch.message}`) : '';
      out.push(`  wave ${ch.wave}: ${verb} ${ch.id}${note}`);
    }
    return out.join('\n');
  }
  const restored = report.changes.filter((ch) => ch.result === 'applied').length;
  const unchanged = report.changes.filter((ch) => ch.result === 'unchanged').length;
  out.push(
    `${report.outcome === 'succeeded' ? c.green('restore succeeded') : c.red('restore failed')}: ${restored} of ${report.changes.length} restored${unchanged ? `, ${unchanged} unchanged` : ''} from backup ${report.backup}`,
  );
  for (const ch of report.changes) {
    if (ch.result === 'applied') continue;
    const why = ch.result === 'unchanged' ? 'already equal to the backup; nothing written' : ch.message;
    out.push(`  ${ch.result}: ${ch.id}${why ? ` — ${why}` : ''}`);
  }
  if (report.preRestoreBackup) out.push(c.dim(`the state before the restore is in backup ${report.preRestoreBackup}`));
  return out.join('\n');
}

async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`${question} only \`yes\` is accepted: `)).trim() === 'yes';
  } finally {
    rl.close();
  }
}

function badRef(r: string): never {
  throw new PlumbError('cli.bad-ref', `not a reference: ${r}`, { hint: 'write CIs as kind:namespace/name, e.g. file:default/motd' });
}

/** `plumb restore`'s action: what runs once commander has parsed the command line (cli/commands/restore.ts). */
export const action = (id: string, refs: string[], opts: RestoreCliOptions) =>
  runWithOutputs(opts, { command: 'restore', defaultFormat: 'text' }, (out) => restoreCommand(id, refs, opts, out));
