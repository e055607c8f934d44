import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb capacity [REF...] [-o text|json] [--chart DIR [--chart-format svg|png]] [--record FILE] [--at TIME]`:
 * the capacity signals of the named CIs (default: every CI that has one),
 * read from plumb.yaml's metrics source and forecast — a table with usage now,
 * capacity, the forecast at the horizon, days to exhaustion, status and a
 * sparkline; `--chart DIR` writes one chart per signal (`--chart-format svg|png`); `--record FILE`
 * saves the series read, for offline replay (`metrics: {provider: recorded}`).
 * Exit 0; 1 for invalid input, no metrics source, or when no signal could be read.
 */
export function register(program: Command): void {
  const cmd = new Command('capacity')
    .description('forecast the capacity signals of CIs from Prometheus: now, at the horizon, days to exhaustion, anomalies')
    .argument('[ref...]', 'CIs, e.g. database:shop/orders-db (default: every CI with capacity signals)')
    .option('--rev <rev>', 'read the inventory of a Git branch, tag or commit instead of the work tree')
    .option('--chart <dir>', 'write a chart per signal into this directory')
    .addOption(new Option('--chart-format <format>', 'chart image format').choices(['svg', 'png']).default('svg'))
    .option('--record <file>', 'save the series read as a recording (YAML) that metrics: {provider: recorded} replays')
    .option('--at <time>', 'forecast from this instant (RFC 3339) instead of now')
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb capacity', 'forecast every capacity signal of the inventory'],
      ['plumb capacity database:shop/orders-db --chart charts/ --chart-format png', 'one CI, with a PNG chart per signal'],
      ['plumb capacity --record observed/metrics.yaml', 'save what Prometheus returned, to replay offline'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/capacity.js')));
  program.addCommand(cmd);
}
