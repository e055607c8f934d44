import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/** A repeatable option's parser: each occurrence is appended. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
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
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb why database:shop/catalog-db application:shop/identity-service', 'the one cause that explains both failures'],
      ['plumb why endpoint:shop/api-public --healthy endpoint:shop/psp-stripe', 'a CI seen working weighs against causes that would put it down'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/why.js')));
  program.addCommand(cmd);
}
