import { parsePointer } from '../model/json-pointer.js';
import type { Pattern } from './pointer.js';

/**
 * Pointer patterns compiled into a trie, walked in step with a document: at
 * each key the diff keeps only the trie nodes still alive, so a document no
 * pattern reaches into costs nothing per field (the common case: 100k CIs,
 * a handful of patterns about `/relations` or `/data`).
 */
export interface PatternTrie {
  readonly children: Map<string, PatternTrie>;
  star?: PatternTrie;
  /** A pattern ends here: this value and everything below is covered. */
  terminal: boolean;
}

const cache = new Map<string, Pattern>();

/** Parses pointers once per process (the same few pointers recur for every CI). */
export function cachedPattern(pointer: string): Pattern {
  let p = cache.get(pointer);
  if (!p) {
    p = parsePointer(pointer);
    if (cache.size < 10_000) cache.set(pointer, p);
  }
  return p;
}

const frozenPatterns = new WeakMap<readonly string[], readonly Pattern[]>();

/** {@link cachedPattern} of each pointer; a frozen list's patterns are kept by the list itself (it cannot change). */
export function cachedPatterns(pointers: readonly string[]): readonly Pattern[] {
  if (!Object.isFrozen(pointers)) return pointers.map(cachedPattern);
  let patterns = frozenPatterns.get(pointers);
  if (!patterns) frozenPatterns.set(pointers, (patterns = pointers.map(cachedPattern)));
  return patterns;
}

const tries = new Map<string, PatternTrie | undefined>();
/** Tries of frozen lists, by the list itself: a list that cannot change needs no joined key per lookup. */
const frozenTries = new WeakMap<readonly string[], PatternTrie | undefined>();

/**
 * The trie of a list of pointers, built once per distinct list: the same
 * ignore and secret pointers recur for thousands of CIs of a kind. A frozen
 * list (the ignore pointers of every CI no ignoreDifferences rule matches, a
 * kind's secret pointers) is found by identity, without joining it into a key
 * (100k CIs: 200k joins per plan).
 */
export function trieFor(pointers: readonly string[]): PatternTrie | undefined {
  if (pointers.length === 0) return undefined;
  const frozen = Object.isFrozen(pointers);
  if (frozen && frozenTries.has(pointers)) return frozenTries.get(pointers);
  const trie = trieOfList(pointers);
  if (frozen) frozenTries.set(pointers, trie);
  return trie;
}

function trieOfList(pointers: readonly string[]): PatternTrie | undefined {
  const key = pointers.join('\n');
  if (tries.has(key)) return tries.get(key);
  const trie = buildTrie(pointers.map(cachedPattern));
  if (tries.size < 10_000) tries.set(key, trie);
  return trie;
}

export function buildTrie(patterns: readonly Pattern[]): PatternTrie | undefined {
  if (patterns.length === 0) return undefined;
  const root: PatternTrie = { children: new Map(), terminal: false };
  for (const p of patterns) {
    let node = root;
    for (const seg of p) {
      if (seg === '*') node = node.star ??= { children: new Map(), terminal: false };
      else {
        let next = node.children.get(seg);
        if (!next) node.children.set(seg, (next = { children: new Map(), terminal: false }));
        node = next;
      }
    }
    node.terminal = true;
  }
  return root;
}

/** The live nodes after descending into `key`; undefined when none is left. */
export function step(nodes: readonly PatternTrie[] | undefined, key: string): PatternTrie[] | undefined {
  if (!nodes) return undefined;
  let out: PatternTrie[] | undefined;
  for (const n of nodes) {
    const c = n.children.get(key);
    if (c) (out ??= []).push(c);
    if (n.star) (out ??= []).push(n.star);
  }
  return out;
}

export function isCovered(nodes: readonly PatternTrie[] | undefined): boolean {
  if (!nodes) return false;
  for (const n of nodes) if (n.terminal) return true;
  return false;
}
