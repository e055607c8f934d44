import jsyaml from 'js-yaml';
import { YAML_CORE_SCHEMA } from './yaml-core-schema.js';

/**
 * Text features the fast path leaves to `yaml`: anchors, aliases and tags
 * (`&`, `*`, `!` at a token start), complex keys (`? `), null or empty keys
 * (js-yaml writes them as "null", yaml as ""; `[:]`, `[:x]` in flow; `[null:]`, a null key glued to the end of
 * its flow collection — found by the property test with `]:`-adjacent edits), document end markers and
 * directives (which make document boundaries hard to find by scanning), and
 * sequence entries left empty at the end of a line (`-`, `- - -`, `- # x`: after one,
 * js-yaml misreads a less indented entry followed by a more indented `- ` line, which
 * YAML 1.2 reads as a multi-line plain scalar — found by the property test), and
 * `---` glued to more text at the start of a line (`---::x: 1` is a key to `yaml`,
 * a document marker to js-yaml — found by the property test in CI), and flow
 * collections used as keys (`[a, b]: x`: the two parsers print such keys differently),
 * and any `:` after a closing `]` or `}` (`{[a]:x}`, `{{a: 1}:x}`: in a flow collection the value may follow
 * the key's `:` without a space, and js-yaml read the key as its text, `a` or `[object Object]` — found by a hostile
 * review), a line starting with `:` (the value of a flow key on the line before), a `?` at a token start (`{? [a]}`:
 * an explicit key inside a flow mapping, with no `:` at all), a flow collection opening right after `{` or `,` or at
 * a line's start (`{[a]}`, `{a: 1, [b]}`: a key with no value — found by the property test; this also sends a flow
 * list of flow mappings, `[{a: 1}, {b: 2}]`, to `yaml`, which only costs speed), and a carriage return not followed by a line feed (a lone CR is a line break to js-yaml
 * and content to `yaml`: `a: b # c\rd: e` had a key `d` only on the fast path, and
 * `"x\ry"` read `x y` there and `x\ry` through `yaml`; CRLF is a line break to both).
 * False positives only cost speed; a missed feature would cost correctness, so
 * these err wide.
 *
 * Linear in the text: no quantifier here may span lines or follow another
 * quantifier over the same characters (`[\s]\s*:` was quadratic — 100 KB of
 * blank lines took 105 s; a run of blanks before `:` already ends in a blank
 * that is itself the prefix, so the inner run is not needed).
 */
export const NEEDS_YAML: { test(text: string): boolean } = {
  test: (text) => BUT_FLOW_KEYS.test(text) || (FLOW_KEYS.test(text) && !FLAT_MAPS.test(text)),
};

/** Every feature above but a flow collection opening at a line's start or after `{` or `,` ({@link FLOW_KEYS}). */
const BUT_FLOW_KEYS =
  /(?:^|[\s[{,])(?:[&*!?]|(?:(?:~|null|Null|NULL)[ \t]*)?:(?:[\s,\]}]|$))|^[ \t]*:|^(?:\.\.\.|%)|^---(?![ \t]|\r?$)|[\]}][ \t]*:|(?:^|[ \t])-[ \t]*(?:#.*)?\r?$|[[{,][ \t]*:|\r(?!\n)/m;
/** A flow collection where it may be a key with no value (`{[a]}`, `{a: 1, [b]}`, one on a line of its own). */
const FLOW_KEYS = /^[ \t]*[[{]|[{,][ \t]*[[{]/m;
/**
 * One line that is a flow sequence of flow mappings of `key: value` entries holding no collection, quote or comment —
 * `[{type: runsOn, target: cluster:shop/k8s-0}, {type: partOf, target: application:shop/app-1}]`, the relations
 * annotation of most Kubernetes CIs: each `{` after `,` opens an element of the sequence, never a key, so
 * {@link FLOW_KEYS} has nothing to find there. Sent to `yaml`, the annotation of each of 100k CIs cost a warm plan
 * ~1.5 CPU-s (same run: 5.12–5.67 before, 6.61–7.28 after the rule came in).
 */
const FLAT_ENTRY = String.raw`[ \t]*[^\s[\]{}"'#,:][^\n\r[\]{}"'#,:]*:[ \t][^\n\r[\]{}"'#,]*`;
// each part ends at a character the next cannot start with (`:`, `,`, `}`): no backtracking on a hostile line
const FLAT_MAP = String.raw`[ \t]*\{(?:${FLAT_ENTRY}(?:,${FLAT_ENTRY})*|[ \t]*)\}[ \t]*`;
const FLAT_MAPS = new RegExp(String.raw`^[ \t]*\[(?:${FLAT_MAP},)*${FLAT_MAP}\][ \t]*$`);

/**
 * One line holding a flat-maps flow sequence as a single-quoted value, `key: '[{type: runsOn, target: …}, {…}]'`
 * — the `plumb.io/relations` annotation as written by hand and by generators: a plain key of letters, digits and
 * `_./-` (an annotation key), then nothing but blanks after the closing quote. The quoted text has no quote, bracket
 * or comment of its own, so whatever it is — the value of `key`, or (on a line inside a multi-line scalar) content —
 * a `, {` in it is never a flow key.
 */
const QUOTED_FLAT_MAPS_LINE = new RegExp(String.raw`^[ \t]*(?:- )?[A-Za-z0-9_./-]+:[ \t]+'\[(?:${FLAT_MAP},)*${FLAT_MAP}\]'[ \t]*\r?$`);
const FLOW_KEYS_ALL = new RegExp(FLOW_KEYS.source, 'gm');

/**
 * Whether `text` has a feature the fast path leaves to `yaml` ({@link NEEDS_YAML}), where a {@link FLOW_KEYS}
 * match inside a {@link QUOTED_FLAT_MAPS_LINE} does not count: without that, the `, {` of each relations
 * annotation sent 57 % of a generated repository's files to `yaml` (a 100k cold load 4–5 → 13.5–14.9 CPU-s,
 * measured). Only that one alternative is excused, and only on such a line: every other feature is looked for in
 * the whole text as written (an earlier version blanked any one-line single-quoted value, and a `'` that closed a
 * quoted key — `{'k: ': v, [b]: c} # '` — hid a collection key and an alias bomb). Linear: each line holding a
 * match is tested once.
 */
export function needsYaml(text: string): boolean {
  if (!NEEDS_YAML.test(text)) return false;
  if (BUT_FLOW_KEYS.test(text)) return true;
  FLOW_KEYS_ALL.lastIndex = 0;
  let checkedUpTo = -1;
  for (let m = FLOW_KEYS_ALL.exec(text); m; m = FLOW_KEYS_ALL.exec(text)) {
    if (m.index < checkedUpTo) continue;
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    let lineEnd = text.indexOf('\n', m.index);
    if (lineEnd < 0) lineEnd = text.length;
    if (!QUOTED_FLAT_MAPS_LINE.test(text.slice(lineStart, lineEnd))) return true;
    checkedUpTo = lineEnd;
    FLOW_KEYS_ALL.lastIndex = lineEnd;
  }
  return false;
}

/**
 * Parses a one-document YAML text (an annotation that holds YAML) with js-yaml
 * when nothing in it needs `yaml` (the same test as {@link fastParse}); returns
 * undefined otherwise, and on any js-yaml error, so the caller parses it with
 * `yaml`, which then decides. The value equals what `yaml` gives for such text
 * (YAML 1.2 core schema; a duplicate key is an error in both).
 */
export function fastParseOne(text: string): { value: unknown } | undefined {
  if (needsYaml(text)) return undefined;
  try {
    return { value: jsyaml.load(text, { schema: YAML_CORE_SCHEMA, json: false }) };
  } catch {
    return undefined;
  }
}
