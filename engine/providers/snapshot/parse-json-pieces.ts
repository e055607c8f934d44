/**
 * `JSON.parse` of a UTF-8 JSON document, one piece at a time: each member of
 * the top-level object is parsed on its own, and an array member one element
 * at a time. Equal to `JSON.parse(bytes.toString('utf8'))` (property-tested);
 * undefined when the document is not a top-level object this scanner takes
 * apart cleanly (then the caller parses it whole, which also places any error).
 *
 * Why: a 100k-object snapshot is 37 MB of JSON. Decoded whole it is one 37 MB
 * string, which V8 puts in large-object space, part of the old generation,
 * where it stays after the parse until the next full GC — in a warm 100k plan
 * that GC came at the end, so the dead text counted in the plan's peak RSS.
 * Pieces of a few hundred bytes die young and a scavenge frees them.
 * Hand-written: the splitting needs only strings, escapes and bracket depth,
 * and every piece is still parsed (and validated) by `JSON.parse`.
 */
export function parseJsonInPieces(bytes: Buffer): unknown {
  const n = bytes.length;
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_OBJECT) return undefined;
  const out: Record<string, unknown> = {};
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_OBJECT) return skipSpace(bytes, i + 1) === n ? out : undefined;
  for (;;) {
    // a key
    if (bytes[i] !== QUOTE) return undefined;
    const keyEnd = stringEnd(bytes, i);
    if (keyEnd < 0) return undefined;
    const key = JSON.parse(bytes.toString('utf8', i, keyEnd)) as string;
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) return undefined;
    i = skipSpace(bytes, i + 1);
    let value: unknown;
    if (bytes[i] === OPEN_ARRAY) {
      const items: unknown[] = [];
      i = skipSpace(bytes, i + 1);
      if (bytes[i] === CLOSE_ARRAY) i++;
      else
        for (;;) {
          const end = valueEnd(bytes, i);
          if (end < 0) return undefined;
          items.push(JSON.parse(bytes.toString('utf8', i, end)));
          i = skipSpace(bytes, end);
          if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
          else if (bytes[i] === CLOSE_ARRAY) {
            i++;
            break;
          } else return undefined;
        }
      value = items;
    } else {
      const end = valueEnd(bytes, i);
      if (end < 0) return undefined;
      value = JSON.parse(bytes.toString('utf8', i, end));
      i = end;
    }
    // as JSON.parse does: a repeated key keeps its last value, and __proto__ is an own property
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    i = skipSpace(bytes, i);
    if (bytes[i] === COMMA) {
      i = skipSpace(bytes, i + 1);
      continue;
    }
    if (bytes[i] === CLOSE_OBJECT) return skipSpace(bytes, i + 1) === n ? out : undefined;
    return undefined;
  }
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

/** The first index at or after `i` that is not JSON whitespace (space, tab, LF, CR). */
function skipSpace(bytes: Buffer, i: number): number {
  while (i < bytes.length) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

/** The index just past the string starting at `i` (a quote), or -1 when it does not end. */
function stringEnd(bytes: Buffer, i: number): number {
  for (let j = i + 1; j < bytes.length; j++) {
    const c = bytes[j];
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return -1;
}

/**
 * The index just past the value starting at `i`: a string, an object or array
 * (brackets balanced outside strings), or a bare token (number, true, false,
 * null) up to the next comma, closing bracket or whitespace; -1 when it does
 * not end. What lies between is left for JSON.parse to judge.
 */
function valueEnd(bytes: Buffer, i: number): number {
  const c = bytes[i];
  if (c === QUOTE) return stringEnd(bytes, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < bytes.length; j++) {
      const b = bytes[j];
      if (b === QUOTE) {
        j = stringEnd(bytes, j) - 1;
        if (j < 0) return -1;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < bytes.length) {
    const b = bytes[j];
    if (b === COMMA || b === CLOSE_ARRAY || b === CLOSE_OBJECT || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) break;
    j++;
  }
  return j > i ? j : -1;
}
