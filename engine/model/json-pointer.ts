/**
 * JSON Pointer (RFC 6901) tokens and pointers: the one place that knows `~0`
 * and `~1`. A pointer is `''` (the whole document) or `/`-separated tokens in
 * which `~` is written `~0` and `/` is written `~1`.
 */

/** One token as written in a pointer: `a/b~c` → `a~1b~0c`. */
export function escapePointerToken(token: string): string {
  return token.indexOf('~') < 0 && token.indexOf('/') < 0 ? token : token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** One token as written in a pointer back to the key: `a~1b~0c` → `a/b~c` (`~1` first, as RFC 6901 §4 says). */
export function unescapePointerToken(token: string): string {
  return token.indexOf('~') < 0 ? token : token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `''` → `[]`, `/a/b~1c` → `['a', 'b/c']`; throws on text that is not a pointer. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a json pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(unescapePointerToken);
}

/** `['a', 'b/c']` → `/a/b~1c`. */
export function formatPointer(tokens: readonly (string | number)[]): string {
  let out = '';
  for (const t of tokens) out += '/' + escapePointerToken(String(t));
  return out;
}
