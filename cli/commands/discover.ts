import { resolve } from 'node:path';
import { discover, hasErrors, inertDeep, PlumbError, sortDiagnostics, writeFileAtomic, type Diagnostic } from '../../engine/index.js';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { EXIT } from '../exit-codes.js';
import { addGlobalOptions, providerSettings } from '../program.js';
import { runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface DiscoverOptions extends GlobalOptions {
  target?: string;
  out?: string;
}

/**
 * `plumb discover [--target NAME] [-o yaml|json] [--out FILE]`: what a target's
 * provider sees, as a snapshot (the file a `snapshot` target reads). Secret
 * values are written as `(sensitive)`. Exit 1 with diagnostics on failure.
 */
export function register(program: Command): void {
  const cmd = new Command('discover')
    .description('record the actual state a target sees as a snapshot (secrets redacted), for offline plans and reviews')
    .option('--target <name>', 'the target of plumb.yaml to discover (default: defaultTarget, else the only one)')
    .option('--out <file>', 'write the snapshot to this file (atomically) instead of stdout')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'));
  addGlobalOptions(cmd).action((opts: DiscoverOptions) =>
    runCommand(async () => {
      const controller = new AbortController();
      const onInterrupt = () => controller.abort(new PlumbError('discover.interrupted', 'discover interrupted'));
      process.once('SIGINT', onInterrupt);
      try {
        const { text, diagnostics } = await discover({
          repo: opts.repo,
          cwd: process.cwd(),
          target: opts.target,
          now: new Date(),
          signal: controller.signal,
          cliSettings: providerSettings(opts),
          format: opts.output === 'json' ? 'json' : 'yaml',
        });
        report(diagnostics, opts);
        if (text === undefined || hasErrors(diagnostics)) return EXIT.failure;
        if (opts.out) await writeFileAtomic(resolve(process.cwd(), opts.out), text);
        else await writeOut(text);
        return EXIT.ok;
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    }),
  );
  program.addCommand(cmd);
}

/** Diagnostics on stderr, `file:line:column: severity code: message`, with hints. */
function report(diagnostics: readonly Diagnostic[], opts: GlobalOptions): void {
  const c = pc.createColors(opts.color !== false && Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
  for (const d of sortDiagnostics(inertDeep(diagnostics))) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ` : '';
    const sev = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.dim('info');
    process.stderr.write(`${where}${sev} ${d.code}: ${d.message}${d.ci && !d.message.includes(d.ci) ? ` (${d.ci})` : ''}\n`);
    if (d.hint) process.stderr.write(`  hint: ${d.hint}\n`);
  }
}
