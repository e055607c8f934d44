import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Scalar } from 'yaml';
import type { RawDocument } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { NULL_KEY_HINT, yamlDocuments } from '../yaml/yaml-documents.js';
import { setOwn } from '../model/plain-object.js';

/**
 * The YAML kubectl reads is the YAML plumb reads, for Kubernetes manifests.
 *
 * kubectl decodes manifests with sigs.k8s.io/yaml over go-yaml v2, which
 * resolves plain scalars by YAML 1.1 rules; plumb reads YAML 1.2 core. Every
 * difference that changes the object kubectl sends, and what plumb does:
 *
 * | written (plain, untagged)              | YAML 1.2 core  | kubectl (go-yaml v2)   | plumb for Kubernetes documents |
 * |----------------------------------------|----------------|------------------------|--------------------------------|
 * | `<<: *base` / `<<: [*a, *b]` merge key | a key `"<<"`   | merged mapping         | merged, as kubectl (explicit keys win; earlier maps win) |
 * | `y Y yes Yes YES on On ON`             | string         | `true`                 | `true` (keys: `"true"`)        |
 * | `n N no No NO off Off OFF`             | string         | `false`                | `false` (keys: `"false"`)      |
 * | `0644` (leading 0: octal)              | 644            | 420                    | 420                            |
 * | `0b101`, `-0b101` (binary)             | string         | 5, -5                  | 5, -5                          |
 * | `1_000`, `0x_ff` (underscores)         | string         | 1000, 255              | 1000, 255                      |
 * | `09`, `1_0.5` (not octal, float form)  | 9 / string     | 9, 10.5                | 9, 10.5                        |
 * | `.inf`, `-.Inf`, `.nan` …              | ±Infinity, NaN | not JSON: kubectl fails| refused at the line            |
 * | `!!binary` tag                         | warning        | decoded bytes          | refused at the line            |
 * | `<<` after a key the merge also sets   | —              | order-dependent        | refused at the line            |
 * | an integer beyond ±2^53 (`9007199254740993`) | a rounded number | the exact int64 (a float past 64 bits) | refused at the line (a JavaScript number cannot carry it) |
 * | keys (sigs.k8s.io/yaml writes a key as text): |         |                        |                                |
 * | `~:`, `null:` (a null key)             | key `""`       | "unsupported map key"  | refused at the line (`yaml.null-key`, yaml-documents.ts) |
 * | `9007199254740993:` (int64 beyond 2^53)| `"9007199254740992"` | `"9007199254740993"` | `"9007199254740993"`     |
 * | `18446744073709551615:` (uint64)       | a rounded number | "unsupported map key"| refused at the line            |
 * | `3.14159265358979:`, `-0.0:`, `1e7:`   | JavaScript's text | float32 `%g`: `"3.1415927"`, `"-0"`, `"1e+07"` | as kubectl |
 * | `.inf:`, `-.Inf:`, `.nan:`             | `"Infinity"` …  | `".inf"`, `"-.inf"`, `".nan"` | as kubectl              |
 * | two keys kubectl reads alike (`yes:` and `on:`, `1:` and `0b1:`) | two keys | the last one, silently | refused at the second (`yaml.kubectl-differs`) |
 * | `-0x1F`, `+0o17`, `0X1F`, `0B101`, `-_1` (a sign or upper case before the prefix) | string | -31, 15, 31, 5, -1 | as kubectl |
 * | `0x20000000000001` (hex/octal past 2^53) | a rounded number | the exact int64 | refused as a value, exact as a key |
 * | `!!int 017`, `!!bool yes`, `!!float 1e7` (core tags) | 17, a warning, 10000000 | 15, true, 1e+07 as a key | as kubectl |
 * | `!!int 1.5`, `!!bool 1`, `!!null x` (text not of the tag's type) | 1.5, … | "cannot decode" | refused at the value |
 *
 * The same in both, so left alone: `true/True/TRUE/false/…`, `~/null/Null/NULL`,
 * `0x1f`, `0o17`, `+1`, `1e3`, `.5`, timestamps (a string in both: go-yaml v2
 * keeps them strings when decoding into interface{}), sexagesimal `1:20` (a
 * string in both: go-yaml v2 never implemented it), duplicate keys (plumb
 * refuses them, `yaml.duplicate-key`). plumb's own CIs (`apiVersion: plumb.io/*`)
 * stay YAML 1.2.
 */
const CANDIDATE =
  /(?:^|[\s:[,{-])(?:<<|[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:0[0-9_]|0b|0[xo]?[0-9a-fA-F]*_|\d[\d.]*_)[\w.]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|!!binary|!!(?:int|float|bool|null)|!<tag:yaml\.org,2002:(?:int|float|bool|null|binary)>|(?:[-+]?0[XOB]|[-+]0[xo]|[-+]?0x[0-9a-fA-F]{14}|[-+]?0o[0-7]{18}|[-+]_)[\w.]*|[-+]?\d{16,}|\?|[-+]?(?:\d+\.\d*|\.\d+|\d+[eE][-+]?\d+)(?:[eE][-+]?\d+)?(?=[ \t]*:(?:[\s,\]}]|$)))(?=$|[\s,\]}:#])/m;

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOAT = /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/**
 * Could this file hold a construct kubectl reads differently? A cheap text test; false means nothing to do. Beside
 * the forms of the table: a run of 16 or more digits (an integer past 2^53), a decimal number written as a key
 * (kubectl writes it as a float32), and an explicit key (`? `). A number's rest (`[\w.]*`) is taken whole, so
 * `0644`, `0b101`, `1_000` are found alone (the lookahead after two characters missed them unless another form
 * stood in the same file). One regex, one pass: on a generated 10k-CI repository (3.3 MB) as fast as the narrower
 * one before it (13.0 vs 12.7 ms, best of 15; three separate regexes cost 16.7).
 */
export function mayDifferForKubectl(text: string): boolean {
  return CANDIDATE.test(text);
}

/**
 * Whether kubectl would read `value` (a parsed document) at all: a string
 * `apiVersion` outside plumb.io. plumb's own CIs stay YAML 1.2, so a file of
 * them alone needs no second read, whatever its text holds (a comment's
 * "runs on a farm" matched {@link mayDifferForKubectl} and cost the bundled
 * example's `validate` a 30 ms `yaml` parse of a file it then left as it was).
 */
export function readByKubectl(value: unknown): boolean {
  const apiVersion = (value as { apiVersion?: unknown }).apiVersion;
  return typeof apiVersion === 'string' && apiVersion !== 'plumb.io' && !apiVersion.startsWith('plumb.io/');
}

class Refused extends Error {
  constructor(
    readonly offset: number,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * Re-reads the Kubernetes documents of a file as kubectl does (see the table
 * above): each such document's value is replaced by what `kubectl apply` would
 * send, or the document is refused with a `yaml.kubectl-differs` error at the
 * construct. `documents` are the file's documents as first parsed.
 */
export function readAsKubectl(
  text: string,
  file: string,
  documents: readonly RawDocument[],
): { documents: RawDocument[]; diagnostics: Diagnostic[]; read: Array<readonly [first: number, last: number]> } {
  const lineCounter = new LineCounter();
  const docs = yamlDocuments(text, { lineCounter });
  const diagnostics: Diagnostic[] = [];
  const out: RawDocument[] = [];
  const read: Array<readonly [number, number]> = [];
  for (const d of documents) {
    const ast = docs[d.origin.doc];
    if (!ast || ast.errors.length || !readByKubectl(d.value)) {
      out.push(d);
      continue;
    }
    try {
      out.push({ origin: d.origin, value: convert(ast.contents as Node, ast, 0, { left: MAX_NODES }) });
      const range = (ast.contents as Node | null)?.range;
      if (range) read.push([lineCounter.linePos(range[0]).line, lineCounter.linePos(range[2]).line]);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      const { line, col } = lineCounter.linePos(e.offset);
      diagnostics.push({ severity: 'error', code: 'yaml.kubectl-differs', message: e.message, hint: e.hint, file, line, column: col });
    }
  }
  return { documents: out, diagnostics, read };
}

/** YAML 1.2's warning for a core tag it could not apply (`!!bool yes`): a document read as kubectl reads it resolved the tag. */
export const CORE_TAG_WARNING = /^unresolved tag: tag:yaml\.org,2002:(?:int|float|bool|null)$/;

/** Nodes one document may expand to through aliases and merges (an alias bomb is refused, not expanded). */
const MAX_NODES = 1_000_000;

function convert(node: Node | null | undefined, doc: Document, depth: number, budget: { left: number }): unknown {
  if (node === null || node === undefined) return null;
  if (--budget.left < 0) throw new Refused(node.range?.[0] ?? 0, 'aliases would expand this document past a million nodes', 'write the repeated values out');
  if (depth > 200) throw new Refused(node.range?.[0] ?? 0, 'document nests deeper than 200 levels', 'flatten the document');
  if (isAlias(node)) return convert(node.resolve(doc) as Node, doc, depth + 1, budget);
  if (isScalar(node)) return scalar(node);
  if (isSeq(node)) return node.items.map((i) => convert(i as Node, doc, depth + 1, budget));
  if (isMap(node)) {
    const explicit = new Map<string, unknown>();
    const merged: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      if (isScalar(key) && key.type === 'PLAIN' && !key.tag && key.source === '<<') {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        // go-yaml v2 merges a list last to first: earlier mappings win
        for (const s of [...sources].reverse()) {
          const v = convert(s as Node, doc, depth + 1, budget);
          if (v === null || typeof v !== 'object' || Array.isArray(v))
            throw new Refused(
              (s as Node)?.range?.[0] ?? key.range?.[0] ?? 0,
              'a merge key (<<) must name a mapping or a list of mappings',
              'merge only mappings, e.g. <<: *base',
            );
          for (const k of Object.keys(v)) {
            if (explicit.has(k))
              throw new Refused(
                key.range?.[0] ?? 0,
                `the merge key (<<) comes after "${k}", which it also sets: kubectl and YAML disagree on which wins`,
                'put <<: first in the mapping, before the keys that override it',
              );
          }
          for (const [k, value] of Object.entries(v)) setOwn(merged, k, value);
        }
        continue;
      }
      const name = keyString(key);
      if (explicit.has(name))
        throw new Refused(
          key?.range?.[0] ?? 0,
          `kubectl reads this key as "${name}", as an earlier key of the mapping, and keeps only the last`,
          'quote the keys as they are meant ("yes": …), or remove one of them',
        );
      explicit.set(name, convert(pair.value as Node, doc, depth + 1, budget));
    }
    const out: Record<string, unknown> = { ...merged };
    for (const [k, v] of explicit) setOwn(out, k, v);
    return out;
  }
  return null;
}

/**
 * A mapping key as sigs.k8s.io/yaml writes it (its YAMLToJSON: a string as it is, a bool `true`/`false`, an int64
 * by strconv.FormatInt, a float64 by strconv.FormatFloat(f, 'g', -1, 32) with `.inf`, `-.inf`, `.nan` for the
 * specials); anything else — null, a uint64 past int64, a collection — it refuses ("unsupported map key").
 */
function keyString(key: Node | null): string {
  if (key === null) throw new Refused(0, 'a null mapping key: kubectl refuses it ("unsupported map key")', NULL_KEY_HINT);
  if (isScalar(key)) {
    const at = key.range?.[0] ?? 0;
    const src = key.type === 'PLAIN' && !key.tag ? key.source : undefined;
    if (typeof src === 'string') {
      if (NULL.has(src)) throw new Refused(at, 'a null mapping key: kubectl refuses it ("unsupported map key")', NULL_KEY_HINT);
      if (SPECIAL_FLOAT.test(src)) return src.endsWith('nan') || src.endsWith('NaN') || src.endsWith('NAN') ? '.nan' : src[0] === '-' ? '-.inf' : '.inf';
      if (/^[-+.0-9]/.test(src)) {
        const plain = src.replace(/_/g, '');
        const int = goParseInt(plain);
        if (typeof int === 'bigint') return int.toString();
        if (int === 'uint64')
          throw new Refused(at, 'an integer key past the int64 range: kubectl refuses it ("unsupported map key")', 'quote the key if it is meant as text');
        // past float64 (`1e400`) strconv.ParseFloat fails and go-yaml v2 keeps the text
        if (YAML_FLOAT.test(plain)) return Number.isFinite(Number(plain)) ? goFloat32Text(Number(plain)) : src;
      }
    }
    // an explicit !!float key is a float64 for go-yaml v2 (`!!float 1e7` → "1e+07", `!!float 16777217` → "1.6777216e+07")
    if (key.tag && CORE_TAGS[key.tag] === 'float' && typeof key.source === 'string') return goFloat32Text(tagged('float', key.source, at) as number);
    const v = scalar(key);
    if (v === null) throw new Refused(at, 'a null mapping key: kubectl refuses it ("unsupported map key")', NULL_KEY_HINT);
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat32Text(v);
    return String(v);
  }
  throw new Refused(key.range?.[0] ?? 0, 'a mapping or list as a mapping key', 'use a string key');
}

/**
 * strconv.FormatFloat(f, 'g', -1, 32): the shortest decimal that reads back as the same float32, in `%e` form when
 * its exponent is below -4 or at least 6 (`1e+07`, `1.2345679e-05`), else plain (`685230.1`, `-0`).
 */
export function goFloat32Text(f: number): string {
  const x = Math.fround(f);
  if (Number.isNaN(x)) return '.nan';
  if (x === Number.POSITIVE_INFINITY) return '.inf';
  if (x === Number.NEGATIVE_INFINITY) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const e = Math.abs(x).toExponential(p - 1); // the nearest p-digit decimal
    if (Math.fround(Number(e)) !== Math.abs(x) && p < 9) continue;
    const [mantissa, power] = e.split('e');
    digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
    exp = Number(power);
    break;
  }
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fraction = digits.slice(exp + 1);
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A scalar as go-yaml v2 resolves it into interface{} (and sigs.k8s.io/yaml then writes to JSON). */
function scalar(node: Scalar): unknown {
  const at = node.range?.[0] ?? 0;
  if (node.tag === 'tag:yaml.org,2002:binary' || node.tag === '!!binary')
    throw new Refused(at, 'a !!binary value: kubectl decodes it to raw bytes', 'write the base64 text without the tag (Secret data is base64 already)');
  const src = node.source;
  if (node.tag && typeof src === 'string') {
    const tag = CORE_TAGS[node.tag];
    if (tag) return tagged(tag, src, at);
  }
  if (node.type !== 'PLAIN' || node.tag) return node.value;
  if (typeof src !== 'string') return node.value;
  const resolved = goResolve(src, at);
  return resolved.value === undefined ? node.value : resolved.value;
}

/** The core tags go-yaml v2 resolves a scalar's text by (plain or quoted): `!!int 017` is 15 in kubectl, 17 in YAML 1.2. */
const CORE_TAGS: Readonly<Record<string, 'int' | 'float' | 'bool' | 'null'>> = {
  'tag:yaml.org,2002:int': 'int',
  'tag:yaml.org,2002:float': 'float',
  'tag:yaml.org,2002:bool': 'bool',
  'tag:yaml.org,2002:null': 'null',
};

/**
 * A scalar under an explicit core tag, as go-yaml v2 decodes it: the text resolved as a plain scalar's (YAML 1.1:
 * `!!int 017` is 15, `!!bool yes` true), which must be of the tag's type (`!!float` takes an integer as a float);
 * otherwise kubectl fails ("cannot decode … as a !!int"), and so is the document refused here.
 */
function tagged(tag: 'int' | 'float' | 'bool' | 'null', src: string, at: number): unknown {
  const resolved = goResolve(src, at);
  if (resolved.kind === tag || (tag === 'float' && resolved.kind === 'int')) return resolved.value;
  throw new Refused(
    at,
    `kubectl cannot decode "${src}" as a !!${tag} (it reads it as a ${resolved.kind === 'str' ? 'string' : resolved.kind})`,
    `remove the !!${tag} tag, or write a value of its type`,
  );
}

/**
 * Plain scalar text resolved as go-yaml v2 does (YAML 1.1): null, bool, an int64 (strconv.ParseInt base 0 after the
 * underscores are removed: a sign before `0x`/`0o`/`0b`, upper-case prefixes), a float (past float64 it stays
 * text), or text (`value` undefined: the caller keeps YAML's own string; past float64 the text itself). An integer past ±2^53 is refused.
 */
function goResolve(src: string, at: number): { kind: 'null' | 'bool' | 'int' | 'float' | 'str'; value?: unknown } {
  if (NULL.has(src)) return { kind: 'null', value: null };
  if (TRUE.has(src)) return { kind: 'bool', value: true };
  if (FALSE.has(src)) return { kind: 'bool', value: false };
  if (SPECIAL_FLOAT.test(src)) throw new Refused(at, `${src} is not a JSON number: kubectl cannot send this document`, 'quote it if it is meant as text');
  const first = src[0];
  if (first === undefined || !/[0-9+\-.]/.test(first)) return { kind: 'str' };
  const plain = src.replace(/_/g, '');
  const int = goParseInt(plain);
  if (int !== undefined || /^[-+]?\d{16,}$/.test(plain)) {
    if (typeof int === 'bigint' && int <= MAX_SAFE && int >= -MAX_SAFE) return { kind: 'int', value: Number(int) };
    throw new Refused(
      at,
      'an integer beyond ±2^53: plumb would send it rounded (kubectl sends it exactly, or as a float past 64 bits)',
      'quote it if the field holds text; a number this large cannot be carried exactly through JSON numbers in plumb',
    );
  }
  // past float64 (`1e400`) strconv.ParseFloat fails and go-yaml v2 keeps the text; JSON would write Infinity as null
  if (YAML_FLOAT.test(plain)) return Number.isFinite(Number(plain)) ? { kind: 'float', value: Number(plain) } : { kind: 'str', value: src };
  return { kind: 'str' };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * strconv.ParseInt(s, 0, 64) as go-yaml v2 tries it: sign, then 0x / 0o / 0b / leading-0 octal / decimal. A bigint
 * within int64; `'uint64'` when only strconv.ParseUint takes it (go-yaml v2 then decodes a uint64); undefined when it
 * is no integer, or past both (go-yaml v2 then tries a float).
 */
function goParseInt(s: string): bigint | 'uint64' | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2];
  let big: bigint;
  if (/^0[xXoObB]/.test(digits)) big = BigInt(digits.toLowerCase());
  else if (digits.length > 1 && digits[0] === '0') big = BigInt(`0o${digits.slice(1)}`);
  else big = BigInt(digits);
  if (m[1] === '-') big = -big;
  if (big <= 9223372036854775807n && big >= -9223372036854775808n) return big;
  return m[1] !== '-' && big <= 18446744073709551615n ? 'uint64' : undefined;
}
