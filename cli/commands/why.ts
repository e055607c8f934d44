import { Command, Option } from 'commander';
import { renderWhyText, why } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { addGlobalOptions } from '../program.js';
import { colors, runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface WhyOptions extends GlobalOptions {
  healthy?: string[];
  rev?: string;
}

/**
 * `plumb why REF... [--healthy REF]... [--rev REV] [-o text|json]`: given the
 * CIs seen failing now, the suspected root cause — the smallest set of CIs
 * whose simulated `down` explains every one of them (engine/correlate/root-cause.ts) —
 * with the path that explains each failure, the business services it hits,
 * and ranked alternatives. Offline: only the inventory is read. The reverse
 * of `plumb impact`. An invalid inventory is refused (exit 1).
 */
export function register(program: Command): void {
  const cmd = new Command('why')
    .description('given CIs failing now, the suspected root cause with the path explaining each (offline)')
    .argument('<ref...>', 'CIs seen failing, e.g. endpoint:shop/api (kind:name means the default namespace)')
    .option('--healthy <ref>', 'a CI seen healthy (a cause that would put it down is less likely); repeatable', collect, [])
    .option('--rev <rev>', 'use the inventory of a Git branch, tag or commit instead of the work tree')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
  addGlobalOptions(cmd).action((refs: string[], opts: WhyOptions) =>
    runCommand(async () => {
      const result = await why({ repo: opts.repo, cwd: process.cwd(), rev: opts.rev, failing: refs, healthy: opts.healthy });
      if (!result.ok) {
        const errors = result.errors;
        const d = errors[0];
        const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}  ` : '';
        process.stderr.write(
          `error: the inventory has ${errors.length} validation error${errors.length === 1 ? '' : 's'}; why needs a valid graph\n  ${where}${d.code}  ${d.message}\n  hint: run \`plumb validate\` for details\n`,
        );
        return EXIT.failure;
      }
      const { analysis, impact } = result;
      if (opts.output === 'json') {
        await writeOut(
          JSON.stringify({ ...analysis, businessServices: impact?.businessServices ?? [], risk: impact?.risk ?? { score: 0, level: 'low' } }, null, 2),
        );
      } else await writeOut(renderWhyText(analysis, { colors: colors(opts), businessServices: impact?.businessServices }));
      return EXIT.ok;
    }),
  );
  program.addCommand(cmd);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
