import { LineCounter, type Document } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { mappingKeyFault, yamlDocument, yamlErrorMessage } from '../yaml/yaml-documents.js';
import { offsetOfPointer, pointerTokens } from '../yaml/yaml-pointer.js';
import { checkConfigValue, type ConfigLocator } from './check-config.js';
import { DEFAULT_CONFIG, type PlumbConfig } from './types.js';

const CONFIG_FILE = 'plumb.yaml';

/**
 * plumb.yaml's text → configuration and diagnostics, parsed with `yaml` (the
 * parser of record: every syntax error, and every diagnostic, at its line and
 * column). loadConfig parses the common case faster and comes here only when
 * it must (engine/config/load-config.ts); tests and the controller's reload
 * call it directly.
 */
export function parseConfigText(text: string): { config: PlumbConfig; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = yamlDocument(text, { lineCounter });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: CONFIG_FILE, line, column: col };
  };
  const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
    severity: 'error',
    code: e.code === 'DUPLICATE_KEY' ? 'yaml.duplicate-key' : 'yaml.syntax',
    message: yamlErrorMessage(e.message),
    hint: 'fix plumb.yaml; until then plumb uses the default configuration',
    ...at(e.pos[0]),
  }));
  const keyFault = diagnostics.length ? undefined : mappingKeyFault(doc);
  if (keyFault) diagnostics.push({ severity: 'error', code: keyFault.code, message: keyFault.message, hint: keyFault.hint, ...at(keyFault.offset) });
  if (diagnostics.length) return { config: { ...DEFAULT_CONFIG, file: CONFIG_FILE }, diagnostics };
  const raw = doc.toJS({ maxAliasCount: DEFAULT_CONFIG.limits.maxAliases }) ?? {};
  const locate: ConfigLocator = {
    value: (pointer) => at(offsetOfPointer(doc, pointer)),
    key: (pointer) => {
      const offset = findKeyOffset(doc, pointerTokens(pointer));
      return offset === undefined ? undefined : at(offset);
    },
  };
  return checkConfigValue(raw, locate);
}

function findKeyOffset(doc: Document, tokens: string[]): number | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < tokens.length; i++) {
    const items = (node as { items?: { key?: { value?: unknown; range?: number[] }; value?: unknown }[] })?.items;
    const pair = items?.find((p) => p.key !== undefined && String(p.key?.value) === tokens[i]);
    if (!pair) return undefined;
    if (i === tokens.length - 1) return pair.key?.range?.[0];
    node = pair.value;
  }
  return undefined;
}
