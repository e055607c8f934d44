import { impact, renderImpactText, sortDiagnostics, toImpactJson, type Diagnostic, type ImpactEvent } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { runWithOutputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

interface ImpactOptions extends GlobalOptions {
  event?: ImpactEvent;
  rev?: string;
}

/** Validation errors listed before the command gives up; the rest are counted. */
const SHOWN_ERRORS = 5;

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

/** `plumb impact`'s action: what runs once commander has parsed the command line (cli/commands/impact.ts). */
export const action = (refs: string[], opts: ImpactOptions) =>
  runWithOutputs(opts, { command: 'impact', defaultFormat: 'text' }, async (out) => {
    const result = await impact({ repo: opts.repo, cwd: process.cwd(), rev: opts.rev, refs, event: opts.event });
    if (!result.ok) {
      await out.writeFailure(result.errors, opts.rev ? { revision: opts.rev } : {}, false);
      process.stderr.write(refusal(result.errors));
      return EXIT.failure;
    }
    await out.write((format, colors) =>
      format === 'json' ? JSON.stringify(toImpactJson(result.summary), null, 2) : renderImpactText(result.summary, result.explanation, { colors }),
    );
    return EXIT.ok;
  });
