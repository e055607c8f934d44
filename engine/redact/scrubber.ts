import { SENSITIVE } from './markers.js';
import { parsePointer } from '../model/json-pointer.js';
import { holdsSecretData, LAST_APPLIED_ANNOTATION, schemaSecretPointers, secretPointersOf } from './secret-pointers.js';
import { setOwn } from '../model/plain-object.js';

/**
 * Free-text scrubbing: the last line of defence for text plumb did not build
 * from redacted data — a plugin's stderr, an API server's error message, an
 * exception's message — on its way to any sink (terminal, JSON, SARIF,
 * Markdown, TUI, audit log, controller log, `/status`, Events, notifications).
 *
 * A value is scrubbed in every form it is likely to travel in: raw, JSON-escaped
 * (once and twice, for a JSON string inside a JSON log line), base64 (standard
 * and URL-safe, at each of the three byte alignments it can have inside a
 * longer base64 text, as GitHub Actions masks do), percent-encoded (a URL's
 * query or user part: encodeURIComponent's, RFC 3986's strict and the form
 * encoding, with upper- or lower-case hex digits; and escaped character by
 * character as another encoder chose, `%HH`, `\uXXXX`, `\` before ASCII
 * punctuation, an HTML character reference or a shell's `'\''`, found in the
 * text with its escapes decoded), and — for a Kubernetes Secret's `data` — the
 * decoded text too.
 *
 * Values shorter than {@link MIN_SCRUB_LENGTH} characters are not scrubbed
 * from free text (they would mangle ordinary words without protecting much);
 * structured redaction (redactObject) still hides them wherever plumb renders
 * a document.
 */
export const MIN_SCRUB_LENGTH = 4;

/** A set of secret values and the text forms they may take; `scrub` replaces every form with `(sensitive)`. */
export class SecretScrubber {
  readonly #forms = new Set<string>();
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;
  /** The forms sorted by code unit, for prefix look-ups (rebuilt with the pattern). */
  #sorted: string[] = [];
  /** The first one, two and three characters of every form: a cheap test before the binary search. */
  #starts = new Set<string>();
  #maxFormLength = 0;
  #dirty = false;
  /** Upper bound on remembered values: a long-running controller sees many revisions. Oldest values are kept (scrubbing more is safe). */
  readonly #limit: number;

  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  /** Number of distinct values known. */
  get size(): number {
    return this.#values.size;
  }

  /**
   * Remembers one secret value (and its encoded forms). Non-strings are
   * stringified; values below MIN_SCRUB_LENGTH are ignored.
   */
  add(value: unknown): void {
    const text =
      typeof value === 'string' ? value : value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (text.length < MIN_SCRUB_LENGTH || this.#values.has(text) || this.#values.size >= this.#limit) return;
    this.#values.add(text);
    for (const form of encodedForms(text)) if (form.length >= MIN_SCRUB_LENGTH) this.#forms.add(form);
    this.#dirty = true;
  }

  /** Every value known, in the order first seen (to hand to another thread's scrubber). */
  values(): string[] {
    return [...this.#values];
  }

  /** Remembers every value of a list. */
  addAll(values: Iterable<unknown>): void {
    for (const v of values) this.add(v);
  }

  /** True when the text holds a known secret in any of its forms. */
  contains(text: string): boolean {
    const re = this.#regex();
    if (!re) return false;
    re.lastIndex = 0;
    if (re.test(text)) return true;
    return this.#escapedMatches(text, re).length > 0;
  }

  /**
   * Where a form stands in `text` once its escapes are decoded (`[start, end)` in the text, in order, apart): only
   * around an escape — a form an encoder escaped holds one, and spans at most twice the longest form (a strict
   * percent form is a form; `\uXXXX` is 6 characters for 1) — so a long text pays for its escapes' neighbourhoods.
   */
  #escapedMatches(text: string, re: RegExp, near?: number): [number, number][] {
    if (!mayHoldEscape(text)) return [];
    const reach = 2 * this.#maxFormLength;
    const found: [number, number][] = [];
    const escapes = new RegExp(ESCAPED.source, 'g');
    // only the forms that may stand over `near` (a stream's cut): the escapes within reach of it
    if (near !== undefined) escapes.lastIndex = Math.max(0, near - reach);
    const stop = near === undefined ? text.length : near + reach;
    let window: [number, number] | undefined;
    const search = ([a, b]: [number, number]) => {
      const view = decodedView(text.slice(a, b));
      if (!view) return;
      re.lastIndex = 0;
      for (let m = re.exec(view.text); m; m = re.exec(view.text)) {
        const start = a + view.from[m.index]!;
        if (found.length && start < found[found.length - 1]![1]) continue;
        found.push([start, a + view.to[m.index + m[0].length - 1]!]);
      }
    };
    for (let e = escapes.exec(text); e && e.index < stop; e = escapes.exec(text)) {
      const a = Math.max(0, e.index - reach);
      const b = Math.min(text.length, e.index + e[0].length + reach);
      if (window && a <= window[1]) window[1] = b;
      else {
        if (window) search(window);
        window = [a, b];
      }
    }
    if (window) search(window);
    return found;
  }

  /**
   * The text with every form of every known secret replaced by
   * `(sensitive)`. Linear in the text (one regex alternation, longest forms
   * first, built once per change of the set).
   */
  scrub(text: string): string {
    const re = this.#regex();
    if (!re || text.length < MIN_SCRUB_LENGTH) return text;
    re.lastIndex = 0;
    const out = text.replace(re, SENSITIVE);
    // a value escaped character by character as no one encoder does it (Go's URL user part and path leave `$&+=`,
    // Python's quote() leaves `/`, Go's JSON writes `&` as \u0026, Python's json.dumps é as \u00e9): looked for in
    // the text with its escapes decoded, and replaced where it stands in the text
    const matches = this.#escapedMatches(out, re);
    if (!matches.length) return out;
    let scrubbed = '';
    let last = 0;
    for (const [start, end] of matches) {
      scrubbed += out.slice(last, start) + SENSITIVE;
      last = end;
    }
    return scrubbed + out.slice(last);
  }

  /** Length (UTF-16 code units) of the longest form of any known value; 0 when none is known. */
  get maxFormLength(): number {
    this.#regex();
    return this.#maxFormLength;
  }

  /**
   * Where a stream writer must stop so no secret can cross into the next
   * chunk: the first index `i >= from` such that `text.slice(i)` is a proper
   * prefix of some form (the start of a secret that may continue in the next
   * chunk), or `text.length` when there is none. Only the last
   * maxFormLength - 1 positions are looked at (2 × maxFormLength where the text
   * holds escapes, read decoded as scrub reads them); each look-up is a binary
   * search in the sorted forms, so the cost is O(maxFormLength · log forms).
   */
  prefixStart(text: string, from = 0): number {
    this.#regex();
    if (this.#sorted.length === 0) return text.length;
    for (let i = Math.max(from, text.length - this.#maxFormLength + 1, 0); i < text.length; i++) if (this.#startsForm(text.slice(i))) return i;
    // the same with the escapes decoded (see scrub): a value escaped as no one encoder does, or an escape cut in two
    // at the end (`%2`, `\u00`), may continue in the next chunk. No such form is longer than twice the longest form:
    // a value's strict percent form (a form) escapes every byte it may as 3 characters, \uXXXX is 6 for one
    const max = this.#maxFormLength;
    const w = Math.max(from, text.length - 2 * max, 0);
    const tail = Math.max(w, text.length - CUT_ESCAPE_REACH);
    const cutEscape = CUT_ESCAPE.exec(text.slice(tail));
    const end = cutEscape ? tail + cutEscape.index : text.length;
    // a suffix without an escape was looked at above; one with an escape ending a whole form's length before the
    // end is no proper prefix of one
    const lastEscape = Math.max(...ESCAPE_STARTS.map((c) => text.lastIndexOf(c, end - 1)));
    if (!cutEscape && (lastEscape < w || end - lastEscape > max + 10)) return text.length;
    const before = text.slice(w, end);
    const view = decodedView(before);
    if (view) {
      // a proper prefix is shorter than the longest form, and (but for an escape cut in two) holds an escape
      let lastDecoded = view.text.length - 1;
      while (!cutEscape && lastDecoded >= 0 && view.to[lastDecoded]! - view.from[lastDecoded]! === 1) lastDecoded--;
      for (let j = Math.max(0, view.text.length - max); j <= lastDecoded; j++) if (this.#startsForm(view.text.slice(j))) return w + view.from[j]!;
    } else if (cutEscape) {
      for (let j = Math.max(0, before.length - max); j < before.length; j++) if (this.#startsForm(before.slice(j))) return w + j;
    }
    // an escape cut in two is held whatever precedes it: it may be the first character of a value escaped as no
    // form is (Go's JSON writes a leading `&` as \u0026), which no prefix of the text before it begins
    return end;
  }

  /** Whether `rest` is a proper prefix of a known form (a binary search in the sorted forms). */
  #startsForm(rest: string): boolean {
    if (!this.#starts.has(rest.slice(0, 3))) return false;
    const forms = this.#sorted;
    let lo = 0;
    let hi = forms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (forms[mid] < rest) lo = mid + 1;
      else hi = mid;
    }
    // the forms starting with `rest` are contiguous from the lower bound on
    for (let k = lo; k < forms.length && forms[k].startsWith(rest); k++) if (forms[k].length > rest.length) return true;
    return false;
  }

  /**
   * The end of a form occurrence in `text` that starts before `cut` and ends
   * after it (the scrub would replace it whole, so a writer must not cut
   * through it), or undefined.
   */
  matchAcross(text: string, cut: number): number | undefined {
    const re = this.#regex();
    if (!re) return undefined;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index >= cut) break;
      const end = m.index + m[0].length;
      if (end > cut) return end;
    }
    for (const [start, end] of this.#escapedMatches(text, re, cut)) {
      if (start >= cut) return undefined;
      if (end > cut) return end;
    }
    return undefined;
  }

  /** Like scrub, for every string anywhere in a JSON-like value (a copy; the input is not changed). */
  scrubDeep<T>(value: T): T {
    if (!this.#regex()) return value;
    return deep(value, (s) => this.scrub(s)) as T;
  }

  #regex(): RegExp | undefined {
    if (this.#dirty) {
      const forms = [...this.#forms].sort((a, b) => b.length - a.length);
      this.#maxFormLength = forms[0]?.length ?? 0;
      this.#sorted = [...this.#forms].sort();
      this.#starts = new Set(this.#sorted.flatMap((f) => [f.slice(0, 1), f.slice(0, 2), f.slice(0, 3)]));
      this.#pattern = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
      this.#dirty = false;
    }
    return this.#pattern;
  }
}

/**
 * Scrubs a text that arrives in chunks (a stream's writes, a child's stderr)
 * so that no secret escapes by being split across two chunks: each push
 * returns the scrubbed text that is safe to pass on and holds back the tail
 * that could be the beginning of a form of a known secret (at most
 * maxFormLength - 1 characters, 2 × maxFormLength where the text holds escapes, so memory and delay stay bounded). `end`
 * returns the held tail, scrubbed. Several scrubbers may be combined (e.g. a
 * request's own secrets and the process-wide ones).
 */
export class StreamScrubber {
  #held = '';
  readonly #sources: readonly SecretScrubber[];

  constructor(...sources: SecretScrubber[]) {
    this.#sources = sources;
  }

  /** The characters held back for now. */
  get pending(): number {
    return this.#held.length;
  }

  /** Takes the next chunk; returns what may be written now (scrubbed). */
  push(chunk: string): string {
    const text = this.#held + chunk;
    if (!this.#sources.some((s) => s.size > 0)) {
      this.#held = '';
      return text;
    }
    let cut = this.#cutFrom(text, 0);
    // a match can only cross a cut that holds something back
    for (let moved = cut < text.length; moved; ) {
      moved = false;
      for (const s of this.#sources) {
        const end = cut < text.length ? s.matchAcross(text, cut) : undefined;
        if (end !== undefined) {
          cut = this.#cutFrom(text, end);
          moved = true;
        }
      }
    }
    this.#held = text.slice(cut);
    return this.#scrub(text.slice(0, cut));
  }

  /** Everything still held, scrubbed; the stream starts afresh. */
  end(): string {
    const rest = this.#scrub(this.#held);
    this.#held = '';
    return rest;
  }

  #cutFrom(text: string, from: number): number {
    let cut = text.length;
    for (const s of this.#sources) cut = Math.min(cut, s.prefixStart(text, from));
    return cut;
  }

  #scrub(text: string): string {
    let out = text;
    for (const s of this.#sources) out = s.scrub(out);
    return out;
  }
}

/**
 * The process-wide scrubber. The loader registers every secret of the desired
 * state it reads, providers register the secrets they observe, and the sinks
 * (cli/run-command's stream guard, the audit log, the controller's logger,
 * status, Events and notifications) scrub through it.
 */
export const secretScrubber = new SecretScrubber();

/** Scrubs text through the process-wide scrubber. */
export function scrubText(text: string): string {
  return secretScrubber.scrub(text);
}

/** {@link SecretScrubber.scrubDeep} of the process-wide scrubber: a copy with every known secret in every string replaced. */
export function scrubDeep<T>(value: T): T {
  return secretScrubber.scrubDeep(value);
}

/**
 * Every secret value this thread's scrubber knows, and their registration in
 * another's: a worker thread (the TUI's planning worker) learns the secrets of
 * what it loads in its own copy of this module, which the thread that shows
 * its answer does not share.
 */
export function knownSecretValues(): string[] {
  return secretScrubber.values();
}

/**
 * A private key's forms for a scrubber: its whole text and each line of its
 * PEM body of 16+ characters (an error or an excerpt may quote one line of it).
 *
 * @param text the key as written (PEM), or undefined
 */
export function privateKeyForms(text: string | undefined): string[] {
  if (!text) return [];
  const out = [text];
  for (const line of text.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) out.push(line.trim());
  return out;
}

/** Registers values another thread's scrubber knew ({@link knownSecretValues}). */
export function registerSecretValues(values: Iterable<unknown>): void {
  secretScrubber.addAll(values);
}

/**
 * Every secret value one document holds (strings at its secret pointers, the
 * decoded form of a Secret's `data`, the values inside a Secret's
 * last-applied-configuration annotation), for a scrubber.
 *
 * @param object the whole document
 * @param schema its kind's JSON Schema, if any
 */
export function secretValuesOf(object: Readonly<Record<string, unknown>> | undefined, schema?: unknown): string[] {
  if (!object) return [];
  const out: string[] = [];
  for (const pointer of secretPointersOf(object, schema)) collect(object, parsePointer(pointer), out);
  if (holdsSecretData(object)) {
    const data = object.data;
    if (data && typeof data === 'object') {
      for (const v of Object.values(data)) if (typeof v === 'string') out.push(Buffer.from(v, 'base64').toString('utf8'));
    }
    const annotations = (object.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
    const applied = annotations?.[LAST_APPLIED_ANNOTATION];
    if (typeof applied === 'string') {
      try {
        const parsed = JSON.parse(applied) as Record<string, unknown>;
        if (parsed && typeof parsed === 'object') out.push(...secretValuesOf({ ...parsed, kind: 'Secret' }));
      } catch {
        // not JSON: the annotation string itself is already in `out`
      }
    }
  }
  return out;
}

/** The JSON Schema of a kind (the repository's or plumb's own), or undefined: how {@link holdsSecretValues} learns a kind's `x-plumb-secret` fields. */
export type KindSchemaOf = (kind: string) => unknown;

/**
 * Whether a document holds a secret value by the redaction rule: a Secret of
 * any apiVersion with `data`, `stringData` or kubectl's last-applied copy of
 * them, or a field its kind's schema marks `x-plumb-secret` (`schemaOf`: the
 * kind schemas in force — plumb's own `Database.spec.password` as much as a
 * repository's) holding a value; a kubectl List holds what its items hold.
 * Such a document — the file it is in, a unit's output, a validation of it, a
 * dry-run answer for it — is never written to the persistent content cache,
 * so plaintext from Git never lands in `~/.cache` (as SOPS-decrypted files
 * never do). Without `schemaOf` only the Secret rule applies.
 */
export function holdsSecretValues(document: unknown, schemaOf?: KindSchemaOf): boolean {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return false;
  const object = document as Readonly<Record<string, unknown>>;
  const kind = typeof object.kind === 'string' ? object.kind : undefined;
  // a kubectl List (kind: List, SecretList, …) carries its objects in items, as the loader expands them
  if (kind?.endsWith('List') && Array.isArray(object.items) && object.items.some((item) => holdsSecretValues(item, schemaOf))) return true;
  const schema = kind !== undefined ? schemaOf?.(kind) : undefined;
  if (!holdsSecretData(object) && (schema === undefined || schemaSecretPointers(schema).length === 0)) return false;
  return secretValuesOf(object, schema).length > 0;
}

/**
 * A {@link KindSchemaOf} over kind schemas by kind name that answers only for
 * kinds with an `x-plumb-secret` field (the rest need no look at the
 * document): computed once per load, so the check costs one map lookup per
 * document of any other kind.
 */
export function secretKindSchemas(schemas: ReadonlyMap<string, { readonly schema: unknown }>): KindSchemaOf {
  const marked = new Map<string, unknown>();
  for (const [kind, { schema }] of schemas) if (schemaSecretPointers(schema).length > 0) marked.set(kind, schema);
  return (kind) => marked.get(kind);
}

/** Registers one document's secret values with the process-wide scrubber. */
export function registerSecretsOf(object: Readonly<Record<string, unknown>> | undefined, schema?: unknown): void {
  secretScrubber.addAll(secretValuesOf(object, schema));
}

function collect(node: unknown, pattern: readonly string[], out: string[]): void {
  if (node === undefined) return;
  if (pattern.length === 0) {
    leaves(node, out);
    return;
  }
  if (node === null || typeof node !== 'object') {
    // a scalar where a map of secrets was expected: it is the secret
    if (pattern.every((s) => s === '*')) leaves(node, out);
    return;
  }
  const [head, ...rest] = pattern;
  const record = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(record) : Object.prototype.hasOwnProperty.call(record, head) ? [head] : [];
  for (const k of keys) collect(record[k], rest, out);
}

function leaves(node: unknown, out: string[]): void {
  if (node === null || node === undefined) return;
  if (typeof node !== 'object') {
    out.push(String(node));
    return;
  }
  out.push(JSON.stringify(node));
  for (const v of Object.values(node)) leaves(v, out);
}

/** The forms a value may travel in. */
export function encodedForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const once = JSON.stringify(value).slice(1, -1);
  forms.add(once);
  forms.add(JSON.stringify(once).slice(1, -1));
  const bytes = Buffer.from(value, 'utf8');
  for (let skip = 0; skip < 3 && bytes.length - skip >= 3; skip++) {
    // the bytes from `skip` on, cut to whole 3-byte groups: their base64 appears verbatim
    // in the base64 of any text holding the value at a matching alignment
    const whole = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
    const b64 = whole.toString('base64');
    forms.add(b64);
    forms.add(whole.toString('base64url'));
  }
  forms.add(bytes.toString('base64'));
  // percent-encoded, as a URL's query or user part carries it (`%40` for `@`; `+` for a space in a form's encoding)
  // RFC 3986's strict form too (`!'()*` escaped: Python's quote(safe=''), the qs package), and each with lower-case
  // hex digits (%2f: .NET's HttpUtility.UrlEncode, hand-rolled encoders); a value with nothing to escape adds none
  const uri = encodeURIComponent(value);
  const strict = uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  for (const encoded of [uri, strict, form]) {
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  }
  return [...forms];
}

/** A text with its escapes decoded, and where each of its UTF-16 units stands in the text (`[from, to)`). */
interface DecodedView {
  readonly text: string;
  readonly from: Int32Array;
  readonly to: Int32Array;
}

// `\"` and `\\` open no search: they are JSON's own escapes (its forms are enumerated), and JSON text is full of them
const ESCAPED = /%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[!#-/:-@[\]-`{-~]|&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});|'\\''|'"'"'/;
/** The characters an escape begins with (a shell's quoted quote begins with `'`). */
const ESCAPE_STARTS = ['%', '\\', '&', "'"];
/** An escape cut in two at a text's end (`%2`, `\u00`, `&am`, `'\'`, `'"'"`), within its last {@link CUT_ESCAPE_REACH} characters. */
const CUT_ESCAPE = /(?:%[0-9A-Fa-f]?|\\(?:u[0-9A-Fa-f]{0,3})?|'(?:\\''?|"(?:'(?:"'?)?)?)?|&#?[0-9A-Za-z]{0,8})$/;
const CUT_ESCAPE_REACH = 10;
/** An HTML or XML character reference, read where it stands. */
const ENTITY = /^&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6}));/;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const PUNCT = /^[!-/:-@[-`{-~]$/;

/** Whether a text may hold an escape at all (a few includes: most text holds none). */
function mayHoldEscape(text: string): boolean {
  return text.includes('%') || text.includes('\\') || text.includes('&') || text.includes(`'"'`) || text.includes("'\\''");
}
const HEX2 = /^[0-9A-Fa-f]{2}$/;
const HEX4 = /^[0-9A-Fa-f]{4}$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text with every percent escape (`%HH` runs, read as UTF-8; a byte that is no UTF-8 stays as written), JSON
 * `\uXXXX` escape, backslash before ASCII punctuation (`\/` `\'` `\$`: PHP's JSON, repr(), printf %q), HTML/XML
 * character reference (`&amp;` `&#39;` `&#x27;`) and shell-quoted single quote (`'\''`, `'"'"'`) decoded — whichever characters an encoder chose to escape — or undefined when it holds
 * none. A `+` stays a `+` (the form encoding's space is one of the enumerated forms).
 */
function decodedView(text: string): DecodedView | undefined {
  if (!mayHoldEscape(text) || !ESCAPED.test(text)) return undefined;
  const parts: string[] = [];
  // a view is never longer than its text
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  let n = 0;
  const put = (s: string, start: number, end: number) => {
    parts.push(s);
    for (let k = 0; k < s.length; k++) {
      from[n] = start;
      to[n++] = end;
    }
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '%' && HEX2.test(text.slice(i + 1, i + 3))) {
      const bytes: number[] = [];
      const at: number[] = [];
      while (text[i] === '%' && HEX2.test(text.slice(i + 1, i + 3))) {
        bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
        at.push(i);
        i += 3;
      }
      for (let k = 0; k < bytes.length; ) {
        const b = bytes[k]!;
        const size = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
        let decoded: string | undefined;
        if (size && k + size <= bytes.length) {
          try {
            decoded = UTF8.decode(Uint8Array.from(bytes.slice(k, k + size)));
          } catch {
            decoded = undefined;
          }
        }
        if (decoded === undefined) {
          put(text.slice(at[k]!, at[k]! + 3), at[k]!, at[k]! + 3);
          k++;
        } else {
          put(decoded, at[k]!, at[k + size - 1]! + 3);
          k += size;
        }
      }
    } else if (c === '\\' && text[i + 1] === 'u' && HEX4.test(text.slice(i + 2, i + 6))) {
      put(String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16)), i, i + 6);
      i += 6;
    } else if (c === '\\' && i + 1 < text.length && PUNCT.test(text[i + 1]!)) {
      // `\/` (PHP's JSON), `\'` (Python's repr), `\$` `\&` (a shell's printf %q): any ASCII punctuation escaped
      put(text[i + 1]!, i, i + 2);
      i += 2;
    } else if (c === "'" && (text.startsWith("'\\''", i) || text.startsWith(`'"'"'`, i))) {
      // a shell's single quote inside single quotes: 'pa'\''ss' (bash -x), 'pa'"'"'ss' (Python's shlex.quote)
      const length = text[i + 1] === '\\' ? 4 : 5;
      put("'", i, i + length);
      i += length;
    } else if (c === '&' && ENTITY.test(text.slice(i, i + 12))) {
      const m = ENTITY.exec(text.slice(i, i + 12))!;
      const code = m[1] ? undefined : Number.parseInt(m[2] ?? m[3]!, m[2] ? 10 : 16);
      const decoded = m[1] ? NAMED[m[1]]! : code! <= 0x10ffff ? String.fromCodePoint(code!) : m[0];
      put(decoded, i, i + m[0].length);
      i += m[0].length;
    } else {
      // a run of plain characters, as it is
      let j = i + 1;
      while (j < text.length && text[j] !== '%' && text[j] !== '\\' && text[j] !== '&' && text[j] !== "'") j++;
      parts.push(text.slice(i, j));
      for (; i < j; i++) {
        from[n] = i;
        to[n++] = i + 1;
      }
    }
  }
  return { text: parts.join(''), from, to };
}

function deep(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => deep(v, f));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, f(k), deep(v, f));
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
