import type { RawDocument } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { fastParse } from './fast-parse.js';
import { yamlParse } from './yaml-parse.js';
import { CORE_TAG_WARNING, mayDifferForKubectl, readAsKubectl, readByKubectl } from './kubectl-yaml.js';
import { isPlainObject } from '../model/plain-object.js';

export interface ParsedFile {
  /** Non-empty documents, in file order. Empty documents are skipped silently. */
  readonly documents: RawDocument[];
  readonly diagnostics: Diagnostic[];
  /** Which parser produced the documents (for benchmarks and tests). */
  readonly parser: 'fast' | 'yaml';
}

/**
 * Parses one YAML file into raw documents. The fast path (js-yaml, same values
 * and origins) serves plain files; anything unusual or wrong goes to `yaml`,
 * which reports errors with positions. A document that is not a mapping is a
 * `yaml.not-a-mapping` error; it never stops the other documents.
 */
export function parseYamlFile(text: string, file: string, options: { maxAliases: number; fast?: boolean }): ParsedFile {
  const fast = options.fast === false ? undefined : fastParse(text, file);
  const { documents: parsed, diagnostics: parseDiagnostics } = fast
    ? { documents: fast, diagnostics: [] as Diagnostic[] }
    : yamlParse(text, file, { maxAliases: options.maxAliases });
  let diagnostics = parseDiagnostics;
  let documents: RawDocument[] = [];
  for (const d of parsed) {
    if (d.value === null || d.value === undefined) continue;
    if (isPlainObject(d.value)) documents.push(d);
    else diagnostics.push(notAMapping(d.origin, d.value));
  }
  // Kubernetes manifests are read as kubectl reads them (YAML 1.1 forms, merge keys): see kubectl-yaml.ts
  if (documents.some((d) => readByKubectl(d.value)) && mayDifferForKubectl(text)) {
    const read = readAsKubectl(text, file, documents);
    documents = read.documents;
    // a core tag YAML 1.2 could not apply (`!!bool yes`) was applied as kubectl applies it: no warning that it was ignored
    if (read.read.length)
      diagnostics = diagnostics.filter(
        (d) =>
          !(
            d.code === 'yaml.warning' &&
            CORE_TAG_WARNING.test(d.message) &&
            read.read.some(([first, last]) => d.line !== undefined && d.line >= first && d.line <= last)
          ),
      );
    diagnostics.push(...read.diagnostics);
  }
  return { documents, diagnostics, parser: fast ? 'fast' : 'yaml' };
}

function notAMapping(origin: RawDocument['origin'], value: unknown): Diagnostic {
  const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
  return {
    severity: 'error',
    code: 'yaml.not-a-mapping',
    message: `document ${origin.doc + 1} is ${what}, not a mapping`,
    hint: 'a configuration item is a mapping with apiVersion, kind, metadata and spec',
    file: origin.file,
    line: origin.line,
    column: origin.column,
  };
}
