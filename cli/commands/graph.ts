import { Command, Option } from 'commander';
import { addGlobalOptions, outputOption, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/** Hops around `--focus` when `--depth` is not given. */
export const DEFAULT_DEPTH = 2;

/**
 * `plumb graph [--rev REV] [--focus REF] [--depth N] [-o json|dot|mermaid]`.
 * The default is JSON because the graph is mostly consumed by tools (jq, a
 * renderer, a review bot); `-o dot | dot -Tsvg` and `-o mermaid` are the
 * picture formats. With validation errors the graph of what could be
 * interpreted is still printed, the errors are counted on stderr and the exit
 * code is 1.
 */
export function register(program: Command): void {
  const cmd = new Command('graph')
    .description('print the CI graph: declared relations plus edges inferred from Kubernetes objects')
    .option('--rev <rev>', 'graph a Git branch, tag or commit instead of the work tree')
    .option('--focus <ref>', 'only the neighbourhood of one CI, e.g. database:shop/orders-db')
    .option('--depth <n>', `hops around --focus, both directions (default ${DEFAULT_DEPTH})`)
    .addOption(outputOption(['json', 'dot', 'mermaid'], 'json'));
  documentCommand(cmd, {
    examples: [
      ['plumb graph -o mermaid', 'the whole CI graph as a Mermaid diagram'],
      ['plumb graph --focus database:shop/orders-db --depth 2 -o dot | dot -Tsvg > orders-db.svg', 'two hops around one CI, drawn by Graphviz'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/graph.js')));
  program.addCommand(cmd);
}
