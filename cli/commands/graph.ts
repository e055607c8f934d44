import { Command, Option } from 'commander';
import { graph, graphToDot, graphToJson, graphToMermaid, hasErrors, PlumbError, type CIGraph } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { addGlobalOptions } from '../program.js';
import { runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface GraphOptions extends GlobalOptions {
  rev?: string;
  focus?: string;
  depth?: string;
}

const DEFAULT_DEPTH = 2;

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
    .addOption(
      new Option('-o, --output <format>', 'json (default: for tools), dot (Graphviz) or mermaid (Markdown)')
        .choices(['json', 'dot', 'mermaid'])
        .default('json'),
    );
  addGlobalOptions(cmd).action((opts: GraphOptions) =>
    runCommand(async () => {
      const depth = parseDepth(opts);
      const { graph: shown, diagnostics } = await graph({ repo: opts.repo, cwd: process.cwd(), rev: opts.rev, focus: opts.focus, depth });
      await writeOut(render(opts.output ?? 'json', shown));
      if (!hasErrors(diagnostics)) return EXIT.ok;
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      process.stderr.write(
        `error: the inventory has ${errors} validation error${errors === 1 ? '' : 's'}; the graph holds what could be interpreted\n  hint: run \`plumb validate\` for details\n`,
      );
      return EXIT.failure;
    }),
  );
  program.addCommand(cmd);
}

function parseDepth(opts: GraphOptions): number {
  if (opts.depth === undefined) return DEFAULT_DEPTH;
  if (opts.focus === undefined)
    throw new PlumbError('cli.usage', '--depth needs --focus', { hint: 'add --focus REF, or drop --depth to print the whole graph' });
  if (!/^\d+$/.test(opts.depth)) throw new PlumbError('cli.usage', `--depth must be a whole number, not "${opts.depth}"`, { hint: 'e.g. --depth 2' });
  return Number(opts.depth);
}

function render(format: string, graph: CIGraph): string {
  if (format === 'dot') return graphToDot(graph);
  if (format === 'mermaid') return graphToMermaid(graph);
  return JSON.stringify(graphToJson(graph), null, 2);
}
