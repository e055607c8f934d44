import { graph, graphToDot, graphToJson, graphToMermaid, hasErrors, PlumbError, type CIGraph } from '../../engine/index.js';
import { DEFAULT_DEPTH } from '../commands/graph.js';
import { EXIT } from '../exit-codes.js';
import { runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface GraphOptions extends GlobalOptions {
  rev?: string;
  focus?: string;
  depth?: string;
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

/** `plumb graph`'s action: what runs once commander has parsed the command line (cli/commands/graph.ts). */
export const action = (opts: GraphOptions) =>
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
  });
