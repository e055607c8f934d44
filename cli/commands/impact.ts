import { Command, Option } from 'commander';
import { impact, renderImpactText, sortDiagnostics, toImpactJson, type Diagnostic, type ImpactEvent } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { addGlobalOptions } from '../program.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface ImpactOptions extends GlobalOptions {
  event?: ImpactEvent;
  rev?: string;
}

/** Validation errors listed before the command gives up; the rest are counted. */
const SHOWN_ERRORS = 5;

/**
 * `plumb impact REF... [--event change|delete|down] [--rev REV] [-o text|json]`:
 * what the CIs named would hit. The default event is `down` — "what breaks if
 * this fails" is the question an operator asks first. References are
 * `kind:namespace/name` or `kind:name` (the default namespace). An invalid
 * inventory is refused (exit 1): a graph with holes would understate the blast
 * radius.
 */
export function register(program: Command): void {
  const cmd = new Command('impact')
    .description('simulate what the named CIs hit when they go down, are deleted or are changed')
    .argument('<ref...>', 'CIs, e.g. database:shop/orders-db (kind:name means the default namespace)')
    .addOption(new Option('--event <event>', 'what happens to them').choices(['down', 'delete', 'change']).default('down'))
    .option('--rev <rev>', 'simulate on a Git branch, tag or commit instead of the work tree')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  addGlobalOptions(cmd).action((refs: string[], opts: ImpactOptions) =>
    runCommand(async () => {
      const result = await impact({ repo: opts.repo, cwd: process.cwd(), rev: opts.rev, refs, event: opts.event });
      if (!result.ok) {
        process.stderr.write(refusal(result.errors));
        return EXIT.failure;
      }
      if (opts.output === 'json') await writeOut(JSON.stringify(toImpactJson(result.summary), null, 2));
      else await writeOut(renderImpactText(result.summary, result.explanation, { colors: colors(opts) }));
      return EXIT.ok;
    }),
  );
  program.addCommand(cmd);
}

function refusal(errors: readonly Diagnostic[]): string {
  const lines = [`error: the inventory has ${errors.length} validation error${errors.length === 1 ? '' : 's'}; impact needs a valid graph`];
  for (const d of sortDiagnostics(errors).slice(0, SHOWN_ERRORS)) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}  ` : '';
    lines.push(`  ${where}${d.code}  ${d.message}`);
  }
  if (errors.length > SHOWN_ERRORS) lines.push(`  … and ${errors.length - SHOWN_ERRORS} more`);
  lines.push('  hint: run `plumb validate` for details, fix the errors, then simulate again');
  return lines.join('\n') + '\n';
}
