import { isAlias, LineCounter, visit, type Document, type YAMLError } from 'yaml';
import type { Origin } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { mappingKeyFault, yamlDocuments } from '../yaml/yaml-documents.js';

export interface YamlParseOptions {
  /** More alias nodes than this in one document is refused (`yaml.alias-limit`). */
  readonly maxAliases: number;
}

/**
 * Parses a file with `yaml`, the parser of record: exact error positions,
 * duplicate keys at the second key, alias bombs refused before expansion.
 * A document with errors yields diagnostics and no value; the file's other
 * documents still load.
 */
export function yamlParse(
  text: string,
  file: string,
  options: YamlParseOptions,
): { documents: { origin: Origin; value: unknown }[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const docs = yamlDocuments(text, { lineCounter });
  const documents: { origin: Origin; value: unknown }[] = [];
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };

  docs.forEach((doc, index) => {
    for (const error of doc.errors) diagnostics.push(errorDiagnostic(error, at));
    for (const warning of doc.warnings) {
      diagnostics.push({
        ...errorDiagnostic(warning, at),
        severity: 'warning',
        code: 'yaml.warning',
        hint: 'plumb reads yaml 1.2 core schema: custom tags are ignored and the value is read as written',
      });
    }
    if (doc.errors.length) return;

    const aliasOverLimit = nthAlias(doc, options.maxAliases + 1);
    if (aliasOverLimit !== undefined) {
      diagnostics.push(aliasLimit(at(aliasOverLimit), `more than ${options.maxAliases} aliases in one document`));
      return;
    }
    const keyFault = mappingKeyFault(doc);
    if (keyFault) {
      diagnostics.push({ severity: 'error', code: keyFault.code, message: keyFault.message, hint: keyFault.hint, ...at(keyFault.offset) });
      return;
    }
    const start = doc.contents?.range?.[0] ?? 0;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: options.maxAliases });
    } catch (e) {
      if (e instanceof ReferenceError) {
        diagnostics.push(aliasLimit(at(start), 'aliases would expand into a huge document'));
        return;
      }
      throw e;
    }
    const { line, column } = at(start);
    documents.push({ origin: { file, doc: index, line, column }, value });
  });
  return { documents, diagnostics };
}

function errorDiagnostic(error: YAMLError, at: (offset: number) => { file: string; line: number; column: number }): Diagnostic {
  const duplicate = error.code === 'DUPLICATE_KEY';
  const firstLine = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  // the parser ran out of stack (thousands of nested [ or {): the syntax may be fine, the depth is not
  if (/maximum call stack size exceeded/i.test(firstLine)) {
    return {
      severity: 'error',
      code: 'yaml.syntax',
      message: 'the document nests too deeply to be read (thousands of levels of [ or {)',
      hint: 'flatten the document: no configuration needs that many nested levels',
      ...at(error.pos[0]),
    };
  }
  return {
    severity: 'error',
    code: duplicate ? 'yaml.duplicate-key' : 'yaml.syntax',
    message: lowerFirst(firstLine),
    hint: duplicate
      ? 'remove or rename one of the two keys: a mapping may hold each key once'
      : 'fix the yaml syntax at this position (indentation, quoting, a missing `:`)',
    ...at(error.pos[0]),
  };
}

function aliasLimit(position: { file: string; line: number; column: number }, why: string): Diagnostic {
  return {
    severity: 'error',
    code: 'yaml.alias-limit',
    message: `document refused: ${why}`,
    hint: 'write the repeated values out, or raise limits.maxAliases in plumb.yaml if this is intended',
    ...position,
  };
}

/** Offset of the n-th alias node in the document, or undefined when there are fewer. */
function nthAlias(doc: Document, n: number): number | undefined {
  let count = 0;
  let found: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && ++count === n) {
        found = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function lowerFirst(s: string): string {
  return s ? s[0].toLowerCase() + s.slice(1) : s;
}
