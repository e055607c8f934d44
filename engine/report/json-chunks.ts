/**
 * `JSON.stringify(value, null, 2)` in pieces: the outer `levels` of objects and
 * arrays are walked here, each member below them is stringified alone and
 * re-indented. Joined, the pieces are exactly that text (toJSON, skipped
 * `undefined`/function members, `null` for them in arrays, `{}`/`[]` for empty
 * ones). What `plan -o json` writes: a 100k-CI plan is a 29 MB text, and one
 * string of it (plus its copy for the stream) was ~200 MiB of the process's
 * peak RSS; written piece by piece, no piece is larger than a batch of
 * {@link BATCH_CHARS} characters of elements (or one element, when larger).
 */
export function* jsonChunks(value: unknown, levels = 2): Generator<string> {
  const root = resolved('', value);
  if (skipped(root)) return; // JSON.stringify(undefined) is undefined: no text at all
  yield* chunksOf(root, levels, '');
}

/** The value JSON.stringify serialises for `key`: after toJSON. */
function resolved(key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return (value as { toJSON(key: string): unknown }).toJSON(key);
  return value;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function skipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function* chunksOf(value: unknown, levels: number, pad: string): Generator<string> {
  const boxed = value instanceof Number || value instanceof String || value instanceof Boolean;
  if (levels <= 0 || value === null || typeof value !== 'object' || boxed) {
    const text = JSON.stringify(value, null, 2);
    yield pad && text.includes('\n') ? text.replaceAll('\n', `\n${pad}`) : text;
    return;
  }
  const inner = `${pad}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    if (levels === 1) {
      yield* batchedElements(value, pad);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '[' : ','}\n${inner}`;
      const item = resolved(String(i), value[i]);
      if (skipped(item)) yield 'null';
      else yield* chunksOf(item, levels - 1, inner);
    }
    yield `\n${pad}]`;
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const member = resolved(key, (value as Record<string, unknown>)[key]);
    if (skipped(member)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* chunksOf(member, levels - 1, inner);
  }
  yield first ? '{}' : `\n${pad}}`;
}

/** Characters an array's elements are gathered to before one `JSON.stringify` (a batch's count follows the elements' size so far). */
const BATCH_CHARS = 64 * 1024;
/** Most elements in one batch: bounds a batch whose elements grow after small ones. */
const BATCH_MAX = 256;

/**
 * An array whose elements are stringified whole (the last level walked), a
 * batch of elements per `JSON.stringify(batch, null, 2)`: the same text as one
 * call per element (the array's own indentation is the elements' one level
 * deeper; a batch's text re-indented by `pad` is theirs), in a fraction of the
 * calls and re-indentations — the 100k changes of a plan were 100k of each.
 * An element with its own toJSON is stringified alone: JSON.stringify passes
 * it its index, which in a batch would be the batch's.
 */
function* batchedElements(value: readonly unknown[], pad: string): Generator<string> {
  let count = 16;
  let at = 0;
  while (at < value.length) {
    let end = at;
    while (end < value.length && end - at < count && !hasToJSON(value[end])) end++;
    if (end === at) {
      // an element with a toJSON of its own
      yield `${at === 0 ? '[' : ','}\n${pad}  `;
      const item = resolved(String(at), value[at]);
      if (skipped(item)) yield 'null';
      else yield* chunksOf(item, 0, `${pad}  `);
      at++;
      continue;
    }
    const text = JSON.stringify(value.slice(at, end), null, 2);
    // "[\n  a,\n  b\n]": the elements at two spaces, without the brackets' lines
    const body = text.slice(2, -2);
    yield `${at === 0 ? '[' : ','}\n${pad}${pad ? body.replaceAll('\n', `\n${pad}`) : body}`;
    count = Math.max(1, Math.min(BATCH_MAX, Math.floor((BATCH_CHARS * (end - at)) / Math.max(1, body.length))));
    at = end;
  }
  yield `\n${pad}]`;
}

function hasToJSON(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
