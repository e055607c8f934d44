import { isAlias, isCollection, isScalar, LineCounter, parseAllDocuments, parseDocument, visit, type Document } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { fastParseOne, NEEDS_YAML } from './fast-parse-one.js';
import { YAML_OPTIONS } from './yaml-options.js';

/**
 * The one door to the `yaml` package's parser: every YAML text plumb reads with `yaml` (the inventory, plumb.yaml,
 * snapshots, annotations, kustomizations, charts and values, SOPS files, capacity recordings, positions for
 * diagnostics) is parsed by {@link yamlDocuments} or {@link yamlDocument}, and every value plumb takes from a YAML
 * text outside the inventory loader by {@link readYamlValue}. So every parse has {@link YAML_OPTIONS} (YAML 1.2
 * core, `logLevel: 'error'`: the parser never writes to the process), and every value is checked by the same rules
 * (syntax, duplicate keys, the alias limit, no collection and no null as a mapping key). test/engine/yaml/yaml-paths.test.ts
 * fails when a module imports a parse function of `yaml` or js-yaml outside engine/yaml/.
 */

/** Settings a caller may change beside {@link YAML_OPTIONS}. */
export interface YamlDocumentSettings {
  /** Refuse a repeated key (`yaml.duplicate-key`); default true. */
  readonly uniqueKeys?: boolean;
  /** Filled with the text's line starts, for positions. */
  readonly lineCounter?: LineCounter;
  /** Keep the concrete syntax tokens (only an editor of the text needs them). */
  readonly keepSourceTokens?: boolean;
}

/** Every document of `text`, parsed with {@link YAML_OPTIONS}; errors are on each document (`doc.errors`), never thrown. */
export function yamlDocuments(text: string, settings: YamlDocumentSettings = {}): Document[] {
  return [...parseAllDocuments(text, { ...YAML_OPTIONS, ...settings })];
}

/** The one document of `text`, parsed with {@link YAML_OPTIONS} (a second document is an error on it). */
export function yamlDocument(text: string, settings: YamlDocumentSettings = {}): Document {
  return parseDocument(text, { ...YAML_OPTIONS, ...settings });
}

/** What {@link readYamlValue} refuses, by the inventory's codes. */
export type YamlProblemCode = 'yaml.syntax' | 'yaml.duplicate-key' | 'yaml.alias-limit' | 'yaml.complex-key' | 'yaml.null-key';

/** A YAML text refused: its code, a message that quotes no value of the text, and the 1-based line and column in the text. */
export class YamlTextError extends Error {
  constructor(
    readonly code: YamlProblemCode,
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export const COMPLEX_KEY_MESSAGE = 'a mapping key is a sequence or a mapping';
export const COMPLEX_KEY_HINT =
  'write the key as a string: Kubernetes and JSON take only string keys (a collection key would be read as its text); kubectl, kustomize and helm refuse it';

/**
 * The offset of the first mapping key that is a sequence or a mapping (`? [a, b]`, `[a, b]: x`, `{[a]:x}`,
 * `{a: 1}: x`, an alias of one), or undefined. JSON, Kubernetes and plumb's documents take only string keys;
 * `toJS` would turn such a key into its text silently (`"[ a, b ]"`) — kubectl, kustomize and helm refuse it.
 */
export function collectionKeyOffset(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const key = pair.key;
      const target = isAlias(key) ? key.resolve(doc) : key;
      if (isCollection(target)) {
        found = (key as { range?: [number, number, number] }).range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

export const EMPTY_KEY_MESSAGE = "a mapping entry has no key before its ':'";
export const EMPTY_KEY_HINT =
  "write `key: value`; a ':' after a flow collection on a value's line (`a: {b}: c`) or at a line's start begins an entry with no key — quote the value, or give the entry its key";

/**
 * Whether a pair's key is no key at all (`a: {b}: c`, `: c`, `{: x}`, `? ` alone). YAML 1.2 reads `a: {b}: c` as
 * an error (js-yaml, go-yaml and kubectl refuse it); `yaml` reads `a: {b}` and then an entry whose key is empty,
 * which would reach the document as a key `""` and be refused far from here with an odd message. A key written as
 * `""`, `null` or `~` is written, and is not this.
 */
function isMissingKey(key: { value?: unknown; range?: [number, number, number] } | null): boolean {
  return key === null || (isScalar(key) && key.value === null && key.range !== undefined && key.range[0] === key.range[1]);
}

export const NULL_KEY_MESSAGE = 'a mapping key is null (~, null or !!null)';
export const NULL_KEY_HINT =
  'quote the key ("~": …, "null": …) if it is meant as text, or give the entry its name: JSON and Kubernetes have no null key (kubectl refuses it: "unsupported map key"), and plumb would read it as the key ""';

/**
 * A mapping key plumb's documents cannot have: a collection ({@link collectionKeyOffset}) anywhere in the document,
 * else the first entry with none (`isMissingKey`), else the first null key (`~: x`, `null: x`, `!!null : x`, an
 * alias of a null; `toJS` reads it as the key `""` — a ConfigMap's data key `""` where kubectl refuses the file). One walk: it stops at the first collection key and
 * remembers the first empty key on the way (the same answer as the two walks, which a sound document — nearly
 * every one the `yaml` parser reads — made in full).
 */
export function mappingKeyFault(
  doc: Document,
):
  | { readonly offset: number; readonly code: 'yaml.complex-key' | 'yaml.syntax' | 'yaml.null-key'; readonly message: string; readonly hint: string }
  | undefined {
  let complex: number | undefined;
  let empty: number | undefined;
  let nullKey: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
      const target = isAlias(key) ? key.resolve(doc) : key;
      if (isCollection(target)) {
        complex = key?.range?.[0] ?? 0;
        return visit.BREAK;
      }
      if (empty === undefined && isMissingKey(key)) {
        empty = key?.range?.[0] ?? 0;
      } else if (nullKey === undefined && isScalar(target) && target.value === null) {
        nullKey = key?.range?.[0] ?? 0;
      }
      return undefined;
    },
  });
  if (complex !== undefined) return { offset: complex, code: 'yaml.complex-key', message: COMPLEX_KEY_MESSAGE, hint: COMPLEX_KEY_HINT };
  if (empty !== undefined) return { offset: empty, code: 'yaml.syntax', message: EMPTY_KEY_MESSAGE, hint: EMPTY_KEY_HINT };
  if (nullKey !== undefined) return { offset: nullKey, code: 'yaml.null-key', message: NULL_KEY_MESSAGE, hint: NULL_KEY_HINT };
  return undefined;
}

/**
 * Where `text` has a collection as a mapping key (any of its documents), as a `yaml.complex-key` error at
 * `file:line:column`, or undefined. For texts another tool reads (a kustomization, a chart's values, a
 * kubeconfig): their other faults stay that tool's to report. A text the fast path takes has none (its test
 * sends every `]:`, `}:` and `?` to `yaml`), so only such texts are parsed here.
 */
export function complexKeyDiagnostic(text: string, file: string): Diagnostic | undefined {
  if (!NEEDS_YAML.test(text)) return undefined;
  const lineCounter = new LineCounter();
  for (const doc of yamlDocuments(text, { uniqueKeys: false, lineCounter })) {
    const offset = collectionKeyOffset(doc);
    if (offset === undefined) continue;
    const { line, col } = lineCounter.linePos(offset);
    return { severity: 'error', code: 'yaml.complex-key', message: COMPLEX_KEY_MESSAGE, hint: COMPLEX_KEY_HINT, file, line, column: col };
  }
  return undefined;
}

/**
 * The value of a one-document YAML text (a snapshot, an annotation holding YAML, a kustomization, a capacity
 * recording…), checked by the inventory's rules: js-yaml when the text needs nothing only `yaml` reads the same
 * ({@link NEEDS_YAML}; the same value, property-tested), else `yaml`, which refuses a syntax error, a repeated key
 * (unless `uniqueKeys: false`: the last one wins, on both paths), more than `maxAliases` alias nodes or an
 * expansion beyond them, a collection used as a mapping key, an entry with no key and a null key. An empty text is `null`.
 *
 * @throws YamlTextError with the code and the position in `text` (its message quotes no value: a text may hold a credential)
 */
export function readYamlValue(text: string, options: { readonly maxAliases: number; readonly uniqueKeys?: boolean }): unknown {
  const fast = fastParseOne(text);
  if (fast) return fast.value;
  const lineCounter = new LineCounter();
  const doc = yamlDocument(text, { uniqueKeys: options.uniqueKeys ?? true, lineCounter });
  const at = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = at(e.pos[0]);
    const code = e.code === 'DUPLICATE_KEY' ? 'yaml.duplicate-key' : 'yaml.syntax';
    throw new YamlTextError(code, yamlErrorMessage(e.message), line, col);
  }
  // before the alias count: a collection key is refused alike where aliases are not allowed at all (a recording)
  const keyFault = mappingKeyFault(doc);
  if (keyFault) {
    const { line, col } = at(keyFault.offset);
    throw new YamlTextError(keyFault.code, keyFault.message, line, col);
  }
  let count = 0;
  let first = 0;
  let over: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (count === 0) first = node.range?.[0] ?? 0;
      if (++count > options.maxAliases) {
        over = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (over !== undefined) {
    const { line, col } = at(over);
    throw new YamlTextError('yaml.alias-limit', `refused: more than ${options.maxAliases} aliases in one document`, line, col);
  }
  try {
    return doc.toJS({ maxAliasCount: options.maxAliases });
  } catch (e) {
    if (e instanceof ReferenceError) {
      const { line, col } = at(first);
      throw new YamlTextError(
        'yaml.alias-limit',
        `refused: aliases would expand into a huge document (more than ${options.maxAliases} expanded aliases)`,
        line,
        col,
      );
    }
    throw e;
  }
}

/** The first line of a `yaml` error, without its position (the caller places it), starting lower-case. */
export function yamlErrorMessage(message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return first ? first[0].toLowerCase() + first.slice(1) : first;
}
