import type { CIGraph } from '../graph/types.js';

/**
 * Graphviz DOT: left to right, one box per CI labelled with its kind and
 * `namespace/name`, edges labelled with the relation type; inferred edges dashed.
 * Render with `plumb graph -o dot | dot -Tsvg > graph.svg`.
 */
export function graphToDot(graph: CIGraph): string {
  const lines = ['digraph plumb {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  graph.forEachNode((id, { ci }) => {
    lines.push(`  ${quote(id)} [label=${quote(`${ci.kind}\n${ci.namespace}/${ci.name}`)}];`);
  });
  graph.forEachEdge((_edge, { type, inferred }, source, target) => {
    lines.push(`  ${quote(source)} -> ${quote(target)} [label=${quote(type)}${inferred ? ', style=dashed' : ''}];`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
