/**
 * A mapping as YAML and JSON write it: an object that is not an array and not
 * null. The one test the loader, validation, graph inference, diff and config
 * use before reading keys of a parsed document.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
