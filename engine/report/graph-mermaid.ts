import type { CIGraph } from '../graph/types.js';

/**
 * A Mermaid flowchart (left to right) for Markdown: node ids are `n0, n1…` in
 * inventory order, because identities contain `:` and `/` that Mermaid would
 * parse; the label shows the kind and `namespace/name`. Inferred edges are
 * dotted. Label text is entity-escaped so no CI name can break the diagram.
 */
export function graphToMermaid(graph: CIGraph): string {
  const ids = new Map<string, string>();
  const lines = ['flowchart LR'];
  graph.forEachNode((id, { ci }) => {
    const key = `n${ids.size}`;
    ids.set(id, key);
    lines.push(`  ${key}["${escape(ci.kind)}<br/>${escape(`${ci.namespace}/${ci.name}`)}"]`);
  });
  graph.forEachEdge((_edge, { type, inferred }, source, target) => {
    lines.push(`  ${ids.get(source)} ${inferred ? '-.->' : '-->'}|${escape(type)}| ${ids.get(target)}`);
  });
  return lines.join('\n') + '\n';
}

function escape(text: string): string {
  return text.replace(/[&"<>|#]/g, (c) => `#${c.charCodeAt(0)};`);
}
