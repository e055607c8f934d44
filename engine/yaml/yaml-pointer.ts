import { isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { unescapePointerToken } from '../model/json-pointer.js';

/**
 * The source offset of the node a JSON Pointer names inside a `yaml` Document:
 * the value's start, or the key's when the value is empty. When the pointer
 * runs past what exists, the nearest existing ancestor answers — a diagnostic
 * about a missing field points at the mapping that should hold it.
 */
export function offsetOfPointer(doc: Document, pointer: string): number {
  let node = doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const token of pointerTokens(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === token);
      if (!pair) break;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      node = value;
      offset = value?.range?.[0] ?? key?.range?.[0] ?? offset;
      if (!value) break;
    } else if (isSeq(node) && /^(0|[1-9][0-9]*)$/.test(token)) {
      const item = node.items[Number(token)] as Node | undefined;
      if (!item) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

/** Splits a JSON Pointer (RFC 6901) into unescaped tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  return pointer.replace(/^\//, '').split('/').map(unescapePointerToken);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  return undefined;
}
