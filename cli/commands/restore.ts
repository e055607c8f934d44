import { Command, Option } from 'commander';
import { PlumbError, refToId, restore, type RestoreReport } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { addForceConflicts, addGlobalOptions, providerSettings } from '../program.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';
import { parseDurationOption, progressHooks } from './apply.js';

interface RestoreCliOptions extends GlobalOptions {
  dryRun?: boolean;
  autoApprove?: boolean;
  breakLock?: boolean;
  healthTimeout: string;
}

/**
 * `plumb restore ID [REF...] [--dry-run] [--auto-approve]`: verifies every
 * checksum of the backup first (refusing, with the bad artifacts named, on any
 * mismatch), then restores as apply applies — the current state backed up
 * first, waves in the CIs' plan order, health checks, locks, audit log.
 * `--dry-run` changes nothing and prints what would be restored.
 */
export function register(program: Command): void {
  const cmd = new Command('restore')
    .description('restore CIs from a backup (checksums verified first), as an apply would')
    .argument('<id>', 'backup id (see `plumb backups`)')
    .argument('[refs...]', 'only these CIs, as kind:namespace/name')
    .option('--dry-run', 'change nothing; say what would be restored')
    .option('--auto-approve', 'restore without asking')
    .option('--break-lock', 'break a lock whose holder is gone (reported, never silent)')
    .option('--health-timeout <duration>', 'per wave; a check that does not answer in time fails', '60s')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  addGlobalOptions(addForceConflicts(cmd)).action((id: string, refs: string[], opts: RestoreCliOptions) => runCommand(() => restoreCommand(id, refs, opts)));
  program.addCommand(cmd);
}

async function restoreCommand(backupId: string, refs: string[], opts: RestoreCliOptions): Promise<number> {
  const c = colors(opts);
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
    ...(opts.autoApprove ? {} : { confirm: (manifest) => confirm(`restore ${ids.length || manifest.cis.length} CI(s) from backup ${backupId}?`) }),
  });
  if (!report) {
    process.stderr.write('restore cancelled: nothing was changed\n');
    return EXIT.failure;
  }
  await writeOut(opts.output === 'json' ? JSON.stringify(report, null, 2) : renderRestore(report, c));
  return report.outcome === 'succeeded' ? EXIT.ok : EXIT.failure;
}

function renderRestore(report: RestoreReport, c: ReturnType<typeof colors>): string {
  const out: string[] = [];
  if (report.dryRun) {
    out.push(`${c.bold('restore (dry run)')} from backup ${report.backup}: nothing was changed; it would:`);
    for (const ch of report.changes)
      out.push(
        `  wave ${ch.wave}: ${ch.action === 'delete' ? 'delete' : 'restore'} ${ch.id}${ch.result === 'failed' ? c.red(` — would fail: ${ch.message}`) : ''}`,
      );
    return out.join('\n');
  }
  const ok = report.changes.filter((ch) => ch.result === 'applied');
  out.push(
    `${report.outcome === 'succeeded' ? c.green('restore succeeded') : c.red('restore failed')}: ${ok.length} of ${report.changes.length} restored from backup ${report.backup}`,
  );
  for (const ch of report.changes) if (ch.result !== 'applied') out.push(`  ${ch.result}: ${ch.id}${ch.message ? ` — ${ch.message}` : ''}`);
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
