import { DEFAULT_CONFIG } from '../config/types.js';
import { readYamlValue, YamlTextError } from '../yaml/yaml-documents.js';

/** A YAML text refused by loadYamlLimited: its code (`yaml.syntax`, `yaml.alias-limit`, `yaml.complex-key`…), with its 1-based position. */
export { YamlTextError as YamlLoadError };

/**
 * Loads one YAML document (a snapshot) with the same rules as the inventory loader
 * ({@link readYamlValue}): no YAML plumb reads can expand into more than its text, and a
 * collection used as a mapping key is refused. A repeated key is not an error here (the
 * last one wins): snapshots are written by plumb or by hand and were always read so.
 *
 * @throws YamlLoadError with the code and the position in `text`
 */
export function loadYamlLimited(text: string, options: { maxAliases?: number } = {}): unknown {
  return readYamlValue(text, { maxAliases: options.maxAliases ?? DEFAULT_CONFIG.limits.maxAliases, uniqueKeys: false });
}
