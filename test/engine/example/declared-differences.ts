/**
 * A deliberately small reading of docs/architecture.md "Diff and plan", for checking the
 * example's recorded drift without the diff engine: only fields the desired
 * document declares are compared; lists of objects with a `name` are matched
 * by name, other lists by position. Returns the JSON Pointers that differ
 * (list items matched by name are addressed by their name, as the engine does).
 */
type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export function declaredDifferences(desired: Json, observed: Json, pointer = ''): string[] {
  if (isObject(desired)) {
    if (!isObject(observed)) return [pointer];
    return Object.keys(desired).flatMap((key) => declaredDifferences(desired[key], observed[key], `${pointer}/${escape(key)}`));
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(observed)) return [pointer];
    if (desired.length > 0 && desired.every((e) => isObject(e) && typeof e.name === 'string')) {
      return desired.flatMap((e) => {
        const name = (e as { name: string }).name;
        const twin = observed.find((o) => isObject(o) && o.name === name);
        return twin === undefined ? [`${pointer}/${escape(name)}`] : declaredDifferences(e, twin, `${pointer}/${escape(name)}`);
      });
    }
    if (desired.length !== observed.length) return [pointer];
    return desired.flatMap((e, i) => declaredDifferences(e, observed[i], `${pointer}/${i}`));
  }
  return desired === observed ? [] : [pointer];
}
