import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Scalar } from 'yaml';
import type { RawDocument } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { yamlDocuments } from '../yaml/yaml-documents.js';
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
 *
 * The same in both, so left alone: `true/True/TRUE/false/…`, `~/null/Null/NULL`,
 * `0x1f`, `0o17`, `+1`, `1e3`, `.5`, timestamps (a string in both: go-yaml v2
 * keeps them strings when decoding into interface{}), sexagesimal `1:20` (a
 * string in both: go-yaml v2 never implemented it), duplicate keys (plumb
 * refuses them, `yaml.duplicate-key`). plumb's own CIs (`apiVersion: plumb.io/*`)
 * stay YAML 1.2.
 */
const CANDIDATE =
  /(?:^|[\s:[,{-])(?:<<|[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[0-9_]|[-+]?0b|[-+]?0[xo]?[0-9a-fA-F]*_|[-+]?\d[\d.]*_|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|!!binary)(?=$|[\s,\]}:#])/m;

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOAT = /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** Could this file hold a construct kubectl reads differently? A cheap text test; false means nothing to do. */
export function mayDifferForKubectl(text: string): boolean {
  return CANDIDATE.test(text);
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
export function readAsKubectl(text: string, file: string, documents: readonly RawDocument[]): { documents: RawDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const docs = yamlDocuments(text, { lineCounter });
  const diagnostics: Diagnostic[] = [];
  const out: RawDocument[] = [];
  for (const d of documents) {
    const ast = docs[d.origin.doc];
    const apiVersion = (d.value as { apiVersion?: unknown }).apiVersion;
    if (!ast || ast.errors.length || typeof apiVersion !== 'string' || apiVersion === 'plumb.io' || apiVersion.startsWith('plumb.io/')) {
      out.push(d);
      continue;
    }
    try {
      out.push({ origin: d.origin, value: convert(ast.contents as Node, ast, 0, { left: MAX_NODES }) });
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      const { line, col } = lineCounter.linePos(e.offset);
      diagnostics.push({ severity: 'error', code: 'yaml.kubectl-differs', message: e.message, hint: e.hint, file, line, column: col });
    }
  }
  return { documents: out, diagnostics };
}

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
      explicit.set(keyString(key), convert(pair.value as Node, doc, depth + 1, budget));
    }
    const out: Record<string, unknown> = { ...merged };
    for (const [k, v] of explicit) setOwn(out, k, v);
    return out;
  }
  return null;
}

function keyString(key: Node | null): string {
  if (key === null) return 'null';
  if (isScalar(key)) {
    const v = scalar(key);
    if (v === null) throw new Refused(key.range?.[0] ?? 0, 'a null mapping key', 'give the key a name');
    if (typeof v === 'number' && !Number.isInteger(v)) throw new Refused(key.range?.[0] ?? 0, 'a decimal number as a mapping key', 'quote the key');
    return String(v);
  }
  throw new Refused(key.range?.[0] ?? 0, 'a mapping or list as a mapping key', 'use a string key');
}

/** A scalar as go-yaml v2 resolves it into interface{} (and sigs.k8s.io/yaml then writes to JSON). */
function scalar(node: Scalar): unknown {
  const at = node.range?.[0] ?? 0;
  if (node.tag === 'tag:yaml.org,2002:binary' || node.tag === '!!binary')
    throw new Refused(at, 'a !!binary value: kubectl decodes it to raw bytes', 'write the base64 text without the tag (Secret data is base64 already)');
  if (node.type !== 'PLAIN' || node.tag) return node.value;
  const src = node.source;
  if (typeof src !== 'string') return node.value;
  if (NULL.has(src)) return null;
  if (TRUE.has(src)) return true;
  if (FALSE.has(src)) return false;
  if (SPECIAL_FLOAT.test(src)) throw new Refused(at, `${src} is not a JSON number: kubectl cannot send this document`, 'quote it if it is meant as text');
  const first = src[0];
  if (!/[0-9+\-.]/.test(first)) return node.value;
  const plain = src.replace(/_/g, '');
  const int = goParseInt(plain);
  if (int !== undefined) return int;
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return node.value;
}

/** strconv.ParseInt(s, 0, 64): sign, then 0x / 0o / 0b / leading-0 octal / decimal; undefined when it is not one. */
function goParseInt(s: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2];
  let big: bigint;
  if (/^0[xXoObB]/.test(digits)) big = BigInt(digits.toLowerCase());
  else if (digits.length > 1 && digits[0] === '0') big = BigInt(`0o${digits.slice(1)}`);
  else big = BigInt(digits);
  if (m[1] === '-') big = -big;
  if (big > 9223372036854775807n || big < -9223372036854775808n) return undefined;
  return Number(big);
}
