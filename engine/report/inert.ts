import { defineLazy, lazyKey, lazySource } from '../model/lazy-property.js';
import { setOwn } from '../model/plain-object.js';
import { scrubText } from '../redact/scrubber.js';

/**
 * Terminal output is inert: text that came from outside plumb — file names,
 * file contents, plugin and API server messages — can hold control
 * characters that move the cursor, recolour, retitle the terminal or start a
 * new line that looks like plumb's own (a file name with a newline forged a
 * diagnostic line). Every text renderer passes such strings through here.
 *
 * Escaped: C0 controls (a newline too, except in `inertBlock`), DEL, C1
 * controls, and the Unicode bidirectional overrides and isolates (U+202A–202E,
 * U+2066–2069, "Trojan Source"). Tabs stay. Each becomes a visible escape:
 * `\n`, `\r`, `\e`, `\x07`, `\u202e`.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\u001b': '\\e', '\u0000': '\\0' };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of untrusted text, inert: every control character escaped, newlines included. */
export function inert(text: string): string {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text) ? scrubText(text).replace(CONTROL, escape) : text;
}

/** A block of untrusted text (a diff, a file's content): like `inert`, but line breaks stay. */
export function inertBlock(text: string): string {
  CONTROL_BUT_NEWLINE.lastIndex = 0;
  return CONTROL_BUT_NEWLINE.test(text) ? scrubText(text).replace(CONTROL_BUT_NEWLINE, escape) : text;
}

/**
 * A copy of a JSON-like value with every string made inert; strings under a
 * key in `blocks` (e.g. a plan change's `diff`) keep their line breaks.
 * Returns the input itself when nothing needed escaping.
 */
export function inertDeep<T>(value: T, blocks: ReadonlySet<string> = DEFAULT_BLOCKS): T {
  return walk(value, false, blocks) as T;
}

const DEFAULT_BLOCKS: ReadonlySet<string> = new Set(['diff', 'text']);

function walk(value: unknown, block: boolean, blocks: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return block ? inertBlock(value) : inert(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const w = walk(v, block, blocks);
      if (w !== v) (out ??= value.slice())[i] = w;
    });
    return out ?? value;
  }
  // a property computed when read (a create's diff text: engine/model/lazy-property.ts) stays so in the copy
  const deferred = lazyKey(value);
  if (deferred !== undefined) return walkWithLazy(value as Record<string, unknown>, deferred, blocks);
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const w = walk(v, blocks.has(k), blocks);
    if (w !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = w;
  }
  return out ?? value;
}

/** A copy whose `deferred` property is made inert when it is read, not computed now; the others walked. */
function walkWithLazy(value: Record<string, unknown>, deferred: string, blocks: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    if (k === deferred) defineLazy(out, k, () => walk(value[k], blocks.has(k), blocks), lazySource(value, k));
    else setOwn(out, k, walk(value[k], blocks.has(k), blocks));
  }
  return out;
}
