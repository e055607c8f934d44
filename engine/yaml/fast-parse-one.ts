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
export const NEEDS_YAML =
  /(?:^|[\s[{,])(?:[&*!?]|(?:(?:~|null|Null|NULL)[ \t]*)?:(?:[\s,\]}]|$))|^[ \t]*[[{:]|[{,][ \t]*[[{]|^(?:\.\.\.|%)|^---(?![ \t]|\r?$)|[\]}][ \t]*:|(?:^|[ \t])-[ \t]*(?:#.*)?\r?$|[[{,][ \t]*:|\r(?!\n)/m;

/**
 * Parses a one-document YAML text (an annotation that holds YAML) with js-yaml
 * when nothing in it needs `yaml` (the same test as {@link fastParse}); returns
 * undefined otherwise, and on any js-yaml error, so the caller parses it with
 * `yaml`, which then decides. The value equals what `yaml` gives for such text
 * (YAML 1.2 core schema; a duplicate key is an error in both).
 */
export function fastParseOne(text: string): { value: unknown } | undefined {
  if (NEEDS_YAML.test(text)) return undefined;
  try {
    return { value: jsyaml.load(text, { schema: YAML_CORE_SCHEMA, json: false }) };
  } catch {
    return undefined;
  }
}
