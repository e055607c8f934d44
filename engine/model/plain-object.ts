/**
 * A mapping as YAML and JSON write it: an object that is not an array and not
 * null. The one test the loader, validation, graph inference, diff and config
 * use before reading keys of a parsed document.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `target[key] = value` as an own, enumerable property whatever the key —
 * also `__proto__`, which a plain assignment on an object that does not own
 * that key yet hands to Object.prototype's setter: the key is lost (a value
 * that is an object becomes the target's prototype instead). Kubernetes
 * allows `__proto__` as a ConfigMap or Secret key and YAML and JSON read it as
 * an ordinary key, so every copy of a document built key by key writes
 * through here.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
