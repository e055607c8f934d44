import { renderWhyText, why } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { runWithOutputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

interface WhyOptions extends GlobalOptions {
  healthy?: string[];
  rev?: string;
}

/** `plumb why`'s action: what runs once commander has parsed the command line (cli/commands/why.ts). */
export const action = (refs: string[], opts: WhyOptions) =>
  runWithOutputs(opts, { command: 'why', defaultFormat: 'text' }, async (out) => {
    const result = await why({ repo: opts.repo, cwd: process.cwd(), rev: opts.rev, failing: refs, healthy: opts.healthy });
    if (!result.ok) {
      const errors = result.errors;
      const d = errors[0];
      const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}  ` : '';
      await out.writeFailure(errors, opts.rev ? { revision: opts.rev } : {}, false);
      process.stderr.write(
        `error: the inventory has ${errors.length} validation error${errors.length === 1 ? '' : 's'}; why needs a valid graph\n  ${where}${d.code}  ${d.message}\n  hint: run \`plumb validate\` for details\n`,
      );
      return EXIT.failure;
    }
    const { analysis, impact } = result;
    await out.write((format, colors) =>
      format === 'json'
        ? JSON.stringify({ ...analysis, businessServices: impact?.businessServices ?? [], risk: impact?.risk ?? { score: 0, level: 'low' } }, null, 2)
        : renderWhyText(analysis, { colors, businessServices: impact?.businessServices }),
    );
    return EXIT.ok;
  });
