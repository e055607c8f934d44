import { Command, Option } from 'commander';
import { explainImpact } from '../../engine/impact/explain.js';
import { toImpactJson } from '../../engine/impact/impact-json.js';
import { resolveSources } from '../../engine/impact/resolve-sources.js';
import { simulateImpact, type ImpactEvent } from '../../engine/impact/simulate.js';
import { loadRepository } from '../../engine/load/load-repository.js';
import { sortDiagnostics, type Diagnostic } from '../../engine/model/diagnostic.js';
import { renderImpactText } from '../../engine/report/impact-text.js';
import { validateRepository } from '../../engine/validate/validate.js';
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
      const repo = await loadRepository({ repo: opts.repo, cwd: process.cwd(), rev: opts.rev });
      const { graph, diagnostics } = validateRepository(repo);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        process.stderr.write(refusal(errors));
        return EXIT.failure;
      }
      const sources = resolveSources(graph, refs);
      const summary = simulateImpact(graph, { sources, event: opts.event ?? 'down' });
      if (opts.output === 'json') await writeOut(JSON.stringify(toImpactJson(summary), null, 2));
      else await writeOut(renderImpactText(summary, explainImpact(graph, summary), { colors: colors(opts) }));
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
