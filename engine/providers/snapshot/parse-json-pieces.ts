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
export function parseJsonInPieces(bytes: Buffer, windowBytes?: number): unknown {
  let at = 0;
  return parseJsonStreamInPieces((buffer, offset, length) => {
    const n = bytes.copy(buffer, offset, at, Math.min(bytes.length, at + length));
    at += n;
    return n;
  }, windowBytes ?? Math.max(16, bytes.length));
}

/**
 * Reads up to `length` more bytes of the input into `buffer` at `offset`;
 * answers how many it read, 0 at the end of the input.
 */
export type ReadMore = (buffer: Buffer, offset: number, length: number) => number;

/**
 * {@link parseJsonInPieces} of an input read through `readMore` into one
 * window of `windowBytes` (grown only for a piece larger than it), so the
 * whole input is never in memory at once: a 37 MB snapshot read whole was a
 * 37 MB buffer outside V8's heap that stayed until the next full GC, which in
 * a 100k plan came at the end or never — it counted in the plan's peak RSS.
 */
export function parseJsonStreamInPieces(readMore: ReadMore, windowBytes = 1 << 20): unknown {
  const w = new Window(readMore, windowBytes);
  let i = 0;
  /** The byte at `i`, or -1 past the end of the input. */
  const byte = () => (i < w.n ? w.bytes[i] : -1);
  /** Past the white space at `i`, reading on as needed. */
  const space = () => {
    for (;;) {
      i = skipSpace(w.bytes, i, w.n);
      if (i < w.n || w.eof) return;
      i -= w.more(i);
    }
  };
  /** The end of the value at `i`, reading on as needed; -1 when it does not end. */
  const valueAt = (): number => {
    for (;;) {
      const end = valueEnd(w.bytes, i, w.n, w.eof);
      if (end >= 0 || w.eof) return end;
      i -= w.more(i);
    }
  };
  const piece = (end: number) => JSON.parse(w.bytes.toString('utf8', i, end)) as unknown;

  space();
  if (byte() !== OPEN_OBJECT) return undefined;
  const out: Record<string, unknown> = {};
  i++;
  space();
  if (byte() === CLOSE_OBJECT) return atEnd() ? out : undefined;
  for (;;) {
    // a key
    if (byte() !== QUOTE) return undefined;
    const keyEnd = valueAt();
    if (keyEnd < 0) return undefined;
    const key = piece(keyEnd) as string;
    i = keyEnd;
    space();
    if (byte() !== COLON) return undefined;
    i++;
    space();
    let value: unknown;
    if (byte() === OPEN_ARRAY) {
      const items: unknown[] = [];
      i++;
      space();
      if (byte() === CLOSE_ARRAY) i++;
      else
        for (;;) {
          const end = valueAt();
          if (end < 0) return undefined;
          items.push(piece(end));
          i = end;
          space();
          if (byte() === COMMA) {
            i++;
            space();
          } else if (byte() === CLOSE_ARRAY) {
            i++;
            break;
          } else return undefined;
        }
      value = items;
    } else {
      const end = valueAt();
      if (end < 0) return undefined;
      value = piece(end);
      i = end;
    }
    // as JSON.parse does: a repeated key keeps its last value, and __proto__ is an own property
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    space();
    if (byte() === COMMA) {
      i++;
      space();
      continue;
    }
    if (byte() === CLOSE_OBJECT) return atEnd() ? out : undefined;
    return undefined;
  }

  /** Past the closing brace at `i`: nothing but white space follows. */
  function atEnd(): boolean {
    i++;
    space();
    return i === w.n && w.eof;
  }
}

/** The bytes of the input from some point on, in one buffer: `bytes[0, n)`. */
class Window {
  bytes: Buffer;
  n = 0;
  eof = false;

  constructor(
    private readonly readMore: ReadMore,
    size: number,
  ) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  /**
   * Drops the bytes before `from`, then reads more after those kept (the
   * window doubles when they fill it); answers how far the kept bytes moved
   * (subtract it from indexes). At the end of the input sets `eof`.
   */
  more(from: number): number {
    this.bytes.copy(this.bytes, 0, from, this.n);
    this.n -= from;
    if (this.n === this.bytes.length) {
      const grown = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(grown, 0, 0, this.n);
      this.bytes = grown;
    }
    const got = this.readMore(this.bytes, this.n, this.bytes.length - this.n);
    if (got === 0) this.eof = true;
    this.n += got;
    return from;
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
function skipSpace(bytes: Buffer, i: number, n: number): number {
  while (i < n) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

/** The index just past the string starting at `i` (a quote), or -1 when it does not end before `n`. */
function stringEnd(bytes: Buffer, i: number, n: number): number {
  for (let j = i + 1; j < n; j++) {
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
 * not end before `n` (a bare token reaching `n` ends there only at the end of
 * the input, `eof`). What lies between is left for JSON.parse to judge.
 */
function valueEnd(bytes: Buffer, i: number, n: number, eof: boolean): number {
  if (i >= n) return -1;
  const c = bytes[i];
  if (c === QUOTE) return stringEnd(bytes, i, n);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < n; j++) {
      const b = bytes[j];
      if (b === QUOTE) {
        j = stringEnd(bytes, j, n) - 1;
        if (j < 0) return -1;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < n) {
    const b = bytes[j];
    if (b === COMMA || b === CLOSE_ARRAY || b === CLOSE_OBJECT || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) return j > i ? j : -1;
    j++;
  }
  return eof && j > i ? j : -1;
}
