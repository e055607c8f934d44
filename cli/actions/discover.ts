import { resolve } from 'node:path';
import { discover, hasErrors, inertDeep, PlumbError, sortDiagnostics, writeFileAtomic, type Diagnostic } from '../../engine/index.js';
import pc from 'picocolors';
import { EXIT } from '../exit-codes.js';
import { providerSettings } from '../program.js';
import { runWithOutputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

interface DiscoverOptions extends GlobalOptions {
  target?: string;
  out?: string;
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

/** `plumb discover`'s action: what runs once commander has parsed the command line (cli/commands/discover.ts). */
export const action = (opts: DiscoverOptions) =>
  runWithOutputs(opts, { command: 'discover', defaultFormat: 'yaml' }, async (out) => {
    if (out.formats.length > 1) throw new PlumbError('cli.usage', 'discover writes one format per run', { hint: 'run it again for the other format' });
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
        format: out.format === 'json' ? 'json' : 'yaml',
      });
      report(diagnostics, opts);
      if (text === undefined || hasErrors(diagnostics)) {
        await out.writeFailure(diagnostics, {}, false);
        return EXIT.failure;
      }
      if (opts.out) await writeFileAtomic(resolve(process.cwd(), opts.out), text);
      else await out.write(() => text);
      return EXIT.ok;
    } finally {
      process.off('SIGINT', onInterrupt);
    }
  });
