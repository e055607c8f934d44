import {
  diagnosticsJson,
  graph,
  graphToDot,
  graphToJson,
  graphToMermaid,
  hasErrors,
  PlumbError,
  renderFailureOutput,
  sortDiagnostics,
  type CIGraph,
  type Diagnostic,
} from '../../engine/index.js';
import { DEFAULT_DEPTH } from '../commands/graph.js';
import { EXIT } from '../exit-codes.js';
import { runWithOutputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

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

/**
 * The graph in a format; with validation errors every format also says what
 * they are (JSON `diagnostics`, comments at the end of DOT and Mermaid), so a
 * graph that holds only what could be interpreted never looks complete.
 */
async function render(format: string, graph: CIGraph, diagnostics: readonly Diagnostic[]): Promise<string> {
  const problems = hasErrors(diagnostics) ? diagnostics : [];
  if (format === 'dot') return graphToDot(graph) + (await comments(problems, '// '));
  if (format === 'mermaid') return graphToMermaid(graph) + (await comments(problems, '%% '));
  return JSON.stringify({ ...graphToJson(graph), ...(problems.length ? { diagnostics: diagnosticsJson(problems) } : {}) }, null, 2);
}

async function comments(diagnostics: readonly Diagnostic[], prefix: string): Promise<string> {
  if (diagnostics.length === 0) return '';
  const lines = (await renderFailureOutput('text', { command: 'graph', diagnostics })).trimEnd().split('\n');
  return ['', `${prefix}the inventory has validation problems; this graph holds what could be interpreted:`, ...lines.map((l) => prefix + l)].join('\n') + '\n';
}

/** `plumb graph`'s action: what runs once commander has parsed the command line (cli/commands/graph.ts). */
export const action = (opts: GraphOptions) =>
  runWithOutputs(opts, { command: 'graph', defaultFormat: 'json' }, async (out) => {
    const depth = parseDepth(opts);
    const { graph: shown, diagnostics } = await graph({ repo: opts.repo, cwd: process.cwd(), rev: opts.rev, focus: opts.focus, depth });
    await out.write((format) => render(format, shown, diagnostics));
    if (!hasErrors(diagnostics)) return EXIT.ok;
    const errors = diagnostics.filter((d) => d.severity === 'error');
    // where, as capacity, why and impact say it: a broken plumb.yaml at its line, not only a count
    const lines = [
      `error: the inventory has ${errors.length} validation error${errors.length === 1 ? '' : 's'}; the graph holds what could be interpreted`,
      ...sortDiagnostics(errors)
        .slice(0, 5)
        .map((d) => `  ${d.file ? `${d.file}:${d.line ?? 1}:${d.column ?? 1}  ` : ''}${d.code}  ${d.message}`),
      '  hint: run `plumb validate` for details',
    ];
    process.stderr.write(lines.join('\n') + '\n');
    return EXIT.failure;
  });
