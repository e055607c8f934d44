import { SENSITIVE } from './markers.js';
import { parsePointer } from '../model/json-pointer.js';
import { holdsSecretData, LAST_APPLIED_ANNOTATION, secretPointersOf } from './secret-pointers.js';

/**
 * Free-text scrubbing: the last line of defence for text plumb did not build
 * from redacted data — a plugin's stderr, an API server's error message, an
 * exception's message — on its way to any sink (terminal, JSON, SARIF,
 * Markdown, TUI, audit log, controller log, `/status`, Events, notifications).
 *
 * A value is scrubbed in every form it is likely to travel in: raw, JSON-escaped
 * (once and twice, for a JSON string inside a JSON log line), base64 (standard
 * and URL-safe, at each of the three byte alignments it can have inside a
 * longer base64 text, as GitHub Actions masks do), and — for a Kubernetes
 * Secret's `data` — the decoded text too.
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
    const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (text.length < MIN_SCRUB_LENGTH || this.#values.has(text) || this.#values.size >= this.#limit) return;
    this.#values.add(text);
    for (const form of encodedForms(text)) if (form.length >= MIN_SCRUB_LENGTH) this.#forms.add(form);
    this.#dirty = true;
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
    return re.test(text);
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
    return text.replace(re, SENSITIVE);
  }

  /** Like scrub, for every string anywhere in a JSON-like value (a copy; the input is not changed). */
  scrubDeep<T>(value: T): T {
    if (!this.#regex()) return value;
    return deep(value, (s) => this.scrub(s)) as T;
  }

  #regex(): RegExp | undefined {
    if (this.#dirty) {
      const forms = [...this.#forms].sort((a, b) => b.length - a.length);
      this.#pattern = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
      this.#dirty = false;
    }
    return this.#pattern;
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
  return [...forms];
}

function deep(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => deep(v, f));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[f(k)] = deep(v, f);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
