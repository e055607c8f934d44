import { formatPointer } from './json-pointer.js';

/**
 * The JSON Pointers of a document's leaves, descending through mappings only
 * (a list, a scalar or an empty mapping is one leaf): the fields a provider
 * without field managers (snapshot, file, exec) owns after writing the document,
 * in the shape of ObservedObject.owned.
 */
export function leafPointers(doc: unknown, skip: readonly string[] = ['/apiVersion', '/kind', '/metadata/name', '/metadata/namespace']): string[] {
  const out: string[] = [];
  const path: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) {
        path.push(k);
        walk(child);
        path.pop();
      }
      return;
    }
    if (path.length === 0) return;
    const p = formatPointer(path);
    if (!skip.includes(p)) out.push(p);
  };
  walk(doc);
  return out;
}
