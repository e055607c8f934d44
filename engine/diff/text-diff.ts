import { createHash } from 'node:crypto';
import { serialize } from 'node:v8';
import { createTwoFilesPatch, formatPatch } from 'diff';
import { stringify } from 'yaml';
import { defaultContentCache } from '../cache/content-cache.js';
import { defineLazy, lazySource } from '../model/lazy-property.js';
import { scrubDeep } from '../redact/scrubber.js';

/** The two sides' names in a diff's `---`/`+++` headers: a plan's drift diff is observed → desired, a review's base → head. */
export type DiffLabels = readonly [before: string, after: string];

/**
 * A unified diff of two (already redacted, already cut to declared fields)
 * documents rendered as YAML; `''` when they render the same. Either side may
 * be absent (a create or a delete). The headers are `--- <before>/<id>` and
 * `+++ <after>/<id>` (`observed`/`desired` unless `labels` says otherwise).
 * Only called for changed objects: YAML stringification is the expensive part
 * of a diff.
 */
export function unifiedYamlDiff(id: string, observed: unknown, desired: unknown, labels: DiffLabels = ['observed', 'desired']): string {
  if (observed === undefined && typeof desired === 'object' && desired !== null) {
    // a create's text: asked again when its plan is written (engine/plan/plan-file.ts), rendered once
    const key = `${labels[0]}\u0000${labels[1]}\u0000${id}`;
    const known = created.get(desired);
    if (known?.key === key) return known.text;
    const text = renderDiff(id, observed, desired, labels);
    created.set(desired, { key, text });
    return text;
  }
  return renderDiff(id, observed, desired, labels);
}

const created = new WeakMap<object, { readonly key: string; readonly text: string }>();

/** What a lazily rendered create text is of ({@link defineLazyCreateText}). */
interface CreateTextSource {
  readonly createText: true;
  readonly id: string;
  readonly desired: object;
}

/**
 * Makes `target[key]` a create's diff text — `unifiedYamlDiff(id, undefined, desired)` —
 * rendered when it is first read (engine/model/lazy-property.ts: `JSON.stringify`,
 * spreads and `Object.entries` see the text). A first apply of 500 objects
 * rendered 500 YAML documents its plan never showed (the terminal's plan shows
 * no create's diff; the plan file writes `diffFrom`): ~100 ms of its CPU.
 * {@link lazyCreateText} tells the plan file's writer which document the text
 * is of without rendering it.
 */
export function defineLazyCreateText(target: object, key: string, id: string, desired: object): void {
  const source: CreateTextSource = { createText: true, id, desired };
  defineLazy(target, key, () => unifiedYamlDiff(id, undefined, desired), source);
}

/** The create whose text `target[key]` holds through {@link defineLazyCreateText} (rendered or not); undefined otherwise. */
export function lazyCreateText(target: object, key: string): { readonly id: string; readonly desired: object } | undefined {
  const source = lazySource(target, key) as CreateTextSource | undefined;
  return source?.createText === true ? source : undefined;
}

/** Namespace of rendered diff texts in the content cache ({@link renderDiff}). */
export const DIFF_TEXT_NAMESPACE = 'diff-text';

/**
 * The diff text of two values, from the content cache when the same text was
 * rendered before. Rendering YAML is most of a drifted object's cost (a 100k
 * plan with 1% drift spent ~0.4 CPU-s in `yaml`'s stringify on every run for
 * the same few hundred objects). The text is a function of what is rendered —
 * the headers' labels and id and both sides after scrubbing (toYaml renders
 * the scrubbed value) — so the key is a hash of exactly that
 * ({@link diffTextKey}): any change to either side, a secret registered that
 * now occurs in one, another label or id is another key. Nothing else is read
 * (no observed state, no clock), so a hit is the text rendering would give.
 */
function renderDiff(id: string, observed: unknown, desired: unknown, labels: DiffLabels): string {
  const before = observed === undefined ? undefined : scrubDeep(observed);
  const after = desired === undefined ? undefined : scrubDeep(desired);
  const cache = defaultContentCache();
  const key = cache ? diffTextKey(id, before, after, labels) : undefined;
  if (key) {
    const known = cache!.get<unknown>(DIFF_TEXT_NAMESPACE, key);
    if (typeof known === 'string') return known;
  }
  const text = renderScrubbed(id, before, after, labels);
  if (key) cache!.set(DIFF_TEXT_NAMESPACE, key, text);
  return text;
}

/**
 * The content key of a diff text: SHA-256 of the v8 serialisation of the
 * labels, the id and both (scrubbed) sides. v8's format keeps what YAML
 * renders and JSON would lose or merge — key order, `-0`, `NaN`, `undefined`
 * members, holes — and tags every value's type, so two values that render
 * differently never share a key (values it cannot serialise, such as a
 * function, get no key: rendered every time). Format `1` salts it (bump it
 * when the rendering changes; the cache's own salt already follows each
 * build).
 */
export function diffTextKey(id: string, before: unknown, after: unknown, labels: DiffLabels): string | undefined {
  let bytes: Buffer;
  try {
    bytes = serialize([1, labels[0], labels[1], id, before === undefined, before, after === undefined, after]);
  } catch {
    return undefined;
  }
  return createHash('sha256').update(bytes).digest('hex');
}

function renderScrubbed(id: string, before: unknown, after: unknown, labels: DiffLabels): string {
  const beforeText = before === undefined ? '' : toYaml(before);
  const afterText = after === undefined ? '' : toYaml(after);
  if (beforeText === afterText) return '';
  const text =
    beforeText === '' && !afterText.includes('\r')
      ? addedPatch(`${labels[0]}/${id}`, `${labels[1]}/${id}`, afterText)
      : createTwoFilesPatch(`${labels[0]}/${id}`, `${labels[1]}/${id}`, beforeText, afterText, undefined, undefined, { context: 3 });
  // Drop the `Index:`/`===` preamble some versions print; keep from the `---` header on.
  const start = text.indexOf('--- ');
  return start > 0 ? text.slice(start) : text;
}

/**
 * What `createTwoFilesPatch(oldName, newName, '', after)` writes (the diff library's own `formatPatch`, so its
 * header quoting and hunk format), from the one hunk that adds every line, built here instead of by running the
 * diff: a first apply of 500 objects spent 45 ms of its plan in the diff library finding that every line was
 * added. test/engine/diff/text-diff-added.test.ts compares the two over generated documents.
 */
function addedPatch(oldName: string, newName: string, after: string): string {
  const lines = after.split('\n');
  const newline = lines[lines.length - 1] === '';
  if (newline) lines.pop();
  const added = lines.map((l) => `+${l}`);
  if (!newline) added.push('\\ No newline at end of file');
  return formatPatch({
    oldFileName: oldName,
    newFileName: newName,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [{ oldStart: 1, oldLines: 0, newStart: 1, newLines: lines.length, lines: added }],
  });
}

/**
 * The YAML text of a value whose every known secret was scrubbed first
 * ({@link renderDiff} scrubs): YAML writes
 * a string in forms of its own (`\a`, `\e`, `\L` escapes in double quotes,
 * `''` in single quotes, one line per line in a block scalar) that the output
 * guard, which knows a secret's raw, JSON and base64 forms, would not find.
 */
function toYaml(scrubbed: unknown): string {
  return stringify(scrubbed, { lineWidth: 0, aliasDuplicateObjects: false });
}
