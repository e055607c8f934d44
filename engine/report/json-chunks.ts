/**
 * `JSON.stringify(value, null, 2)` in pieces: the outer `levels` of objects and
 * arrays are walked here, each member below them is stringified alone and
 * re-indented. Joined, the pieces are exactly that text (toJSON, skipped
 * `undefined`/function members, `null` for them in arrays, `{}`/`[]` for empty
 * ones). What `plan -o json` writes: a 100k-CI plan is a 29 MB text, and one
 * string of it (plus its copy for the stream) was ~200 MiB of the process's
 * peak RSS; written piece by piece, no piece is larger than one change.
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
