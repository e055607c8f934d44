import jsyaml from 'js-yaml';
import type { Origin } from '../model/ci.js';
import { YAML_CORE_SCHEMA } from '../yaml/yaml-core-schema.js';
import { needsYaml } from '../yaml/fast-parse-one.js';

export { fastParseOne } from '../yaml/fast-parse-one.js';

/** Document start markers: `---` at the start of a line, then a space or the end of the line. */
const DOCUMENT_MARKER = /^---(?=[ \t]|\r?$)/gm;

/**
 * Parses a file with js-yaml (about 8× faster than `yaml`) when the file uses
 * nothing the fast path cannot reproduce exactly; returns undefined to send it
 * to `yaml` instead (also on any js-yaml error, so `yaml` — the parser of
 * record — reports every error with its position).
 *
 * Document origins come from scanning `---` lines: a document marker cannot
 * appear inside content (YAML 1.2 §9.1.4 forbids it even in quoted scalars),
 * so the scan and the parser agree on where documents begin; when they do not
 * agree on how many there are, the file goes to `yaml`.
 *
 * Values, indices and origins equal what `yaml` gives (property-tested).
 */
export function fastParse(text: string, file: string): { origin: Origin; value: unknown }[] | undefined {
  if (needsYaml(text)) return undefined;
  let values: unknown[];
  try {
    values = jsyaml.loadAll(text, undefined, { schema: YAML_CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  const starts = documentStarts(text);
  if (starts.length !== values.length) return undefined;
  return values.map((value, doc) => ({ origin: { file, doc, ...starts[doc] }, value }));
}

/** Where each document's content begins (its first non-blank, non-comment character). */
function documentStarts(text: string): { line: number; column: number }[] {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const markerLines: number[] = [];
  for (const m of text.matchAll(DOCUMENT_MARKER)) markerLines.push(lineIndex(lineStarts, m.index));

  const starts: { line: number; column: number }[] = [];
  const firstContent = (fromLine: number, toLine: number, skipColumns: number) => {
    for (let l = fromLine; l < toLine; l++) {
      const raw = lineText(text, lineStarts, l);
      const offset = l === fromLine ? skipColumns : 0;
      const rest = raw.slice(offset);
      const indent = rest.length - rest.trimStart().length;
      const trimmed = rest.trim();
      if (trimmed && !trimmed.startsWith('#')) return { line: l + 1, column: offset + indent + 1 };
    }
    return undefined;
  };

  const implicit = firstContent(0, markerLines[0] ?? lineStarts.length, 0);
  if (implicit) starts.push(implicit);
  markerLines.forEach((markerLine, k) => {
    const end = markerLines[k + 1] ?? lineStarts.length;
    starts.push(firstContent(markerLine, end, 3) ?? { line: markerLine + 1, column: 1 });
  });
  return starts;
}

function lineText(text: string, lineStarts: number[], l: number): string {
  const end = l + 1 < lineStarts.length ? lineStarts[l + 1] - 1 : text.length;
  return text.slice(lineStarts[l], end).replace(/\r$/, '');
}

function lineIndex(lineStarts: number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
