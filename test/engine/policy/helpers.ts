/**
 * Hand-made inputs for policy tests: RawDocuments parsed from YAML text with a
 * real `locate` (line/column of a JSON Pointer, from `yaml`'s node ranges), and
 * a CI graph built directly with graphology — no loader, no validator.
 */
import { MultiDirectedGraph } from 'graphology';
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, type Node as YamlNode, type Document } from 'yaml';
import type { CIGraph, EdgeAttributes, NodeAttributes } from '../../../engine/graph/types.js';
import type { CI, Origin, RawDocument } from '../../../engine/model/ci.js';
import type { RelationType } from '../../../engine/model/relations.js';

export interface ParsedPolicyFiles {
  readonly docs: RawDocument[];
  locate(origin: Origin, pointer: string): { line: number; column: number };
}

/** Parses `{path: yamlText}` the way the loader would, with positions. */
export function yamlDocs(files: Record<string, string>): ParsedPolicyFiles {
  const parsed = new Map<string, { documents: Document.Parsed[]; lines: LineCounter }>();
  const docs: RawDocument[] = [];
  for (const [file, text] of Object.entries(files)) {
    const lines = new LineCounter();
    const documents = parseAllDocuments(text, { lineCounter: lines }) as Document.Parsed[];
    parsed.set(file, { documents, lines });
    documents.forEach((document, doc) => {
      const start = lines.linePos(document.contents?.range?.[0] ?? 0);
      docs.push({ origin: { file, doc, line: start.line, column: start.col }, value: document.toJS() });
    });
  }
  return {
    docs,
    locate(origin, pointer) {
      const entry = parsed.get(origin.file)!;
      let node = entry.documents[origin.doc].contents as YamlNode | null;
      let at = node?.range?.[0] ?? 0;
      for (const token of pointer
        .split('/')
        .slice(1)
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === token);
          if (!pair) break;
          node = pair.value as YamlNode | null;
        } else if (isSeq(node)) {
          node = node.items[Number(token)] as YamlNode | null;
        } else break;
        if (!node) break;
        at = node.range?.[0] ?? at;
      }
      const pos = entry.lines.linePos(at);
      return { line: pos.line, column: pos.col };
    },
  };
}

/** A graph of the given CIs; edges for relations whose target is among them. */
export function graphOf(cis: readonly CI[]): CIGraph {
  const graph: CIGraph = new MultiDirectedGraph<NodeAttributes, EdgeAttributes>();
  for (const ci of cis) graph.addNode(ci.id, { ci });
  for (const ci of cis) {
    for (const r of ci.relations) {
      if (graph.hasNode(r.targetId)) graph.addEdge(ci.id, r.targetId, { type: r.type as RelationType, inferred: r.inferred });
    }
  }
  return graph;
}
