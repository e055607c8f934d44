/**
 * True when `JSON.parse(JSON.stringify(value))` gives back the same value:
 * plain objects and dense arrays (each reached once: JSON would copy a shared
 * one) of strings, booleans, null and finite numbers other than -0, and no
 * property whose value is undefined (JSON drops it).
 *
 * @param seen objects met so far (a fresh Set per call)
 */
export function jsonExact(value: unknown, seen: Set<object> = new Set()): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i], seen)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const k of Object.keys(value)) if (!jsonExact((value as Record<string, unknown>)[k], seen)) return false;
      return true;
    }
    default:
      return false;
  }
}
