import jsyaml from 'js-yaml';
import { isAlias, LineCounter, parseDocument, visit } from 'yaml';
import { DEFAULT_CONFIG } from '../config/types.js';
import { YAML_OPTIONS } from '../yaml/yaml-options.js';

/** Anchors, aliases and tags at a token start: the only way YAML text can make a value bigger than itself. */
const MAY_ALIAS = /(?:^|[\s[{,:-])[&*!]/m;

/** A YAML text refused by loadYamlLimited: a syntax error or an alias limit, with its 1-based position. */
export class YamlLoadError extends Error {
  constructor(
    readonly code: 'yaml.syntax' | 'yaml.alias-limit',
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * Loads one YAML document (a snapshot, an annotation holding YAML) with the
 * same alias limit as the inventory loader, so no YAML plumb reads can expand
 * into more than its text: a text without anchors, aliases or tags goes
 * through js-yaml (fast: a 100k-object snapshot), anything else through
 * `yaml`, which counts alias nodes before building the value and refuses more
 * than `maxAliases` (and any expansion beyond that count).
 *
 * @throws YamlLoadError `yaml.syntax` or `yaml.alias-limit`, with line and column
 */
export function loadYamlLimited(text: string, options: { maxAliases?: number } = {}): unknown {
  const maxAliases = options.maxAliases ?? DEFAULT_CONFIG.limits.maxAliases;
  if (!MAY_ALIAS.test(text)) {
    try {
      return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
    } catch (e) {
      const mark = (e as { mark?: { line: number; column: number } }).mark;
      const reason = (e as { reason?: string }).reason ?? (e as Error).message.split('\n')[0];
      throw new YamlLoadError('yaml.syntax', reason.toLowerCase(), mark ? mark.line + 1 : 1, mark ? mark.column + 1 : 1);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, uniqueKeys: false, lineCounter });
  const at = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = at(e.pos[0]);
    throw new YamlLoadError('yaml.syntax', lowerFirst(e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')), line, col);
  }
  let count = 0;
  let over: number | undefined;
  let first = 0;
  visit(doc, {
    Alias(_key, node) {
      if (count === 0) first = node.range?.[0] ?? 0;
      if (isAlias(node) && ++count > maxAliases) {
        over = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (over !== undefined) {
    const { line, col } = at(over);
    throw new YamlLoadError('yaml.alias-limit', `refused: more than ${maxAliases} aliases in one document`, line, col);
  }
  try {
    return doc.toJS({ maxAliasCount: maxAliases });
  } catch (e) {
    if (e instanceof ReferenceError) {
      const { line, col } = at(first);
      throw new YamlLoadError('yaml.alias-limit', `refused: aliases would expand into a huge document (more than ${maxAliases} expanded aliases)`, line, col);
    }
    throw e;
  }
}

function lowerFirst(s: string): string {
  return s ? s[0].toLowerCase() + s.slice(1) : s;
}
