import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `word` by edit distance, when it is close enough to be
 * a plausible typo (at most a third of the word, at least 2 edits allowed).
 * Case is ignored for the comparison; the candidate is returned as written.
 * Linear in the number of candidates: call it only for misses.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const needle = word.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or nothing — appended to messages. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const match = didYouMean(word, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}

/**
 * The hint of every "there is no such NAME" error (an unknown target, backup
 * id, CI, …): `did you mean X?` for the misses that are a plausible typo of a
 * known name ({@link didYouMean}), followed by `otherwise` — what lists the
 * known names, or how to add one. The CLI's unknown commands, flags and
 * option choices say the same through commander.
 */
export function didYouMeanHint(misses: string | readonly string[], known: Iterable<string>, otherwise: string): string {
  const names = [...known];
  const near = [...new Set((typeof misses === 'string' ? [misses] : misses).flatMap((m) => didYouMean(m, names) ?? []))];
  return near.length ? `did you mean ${near.join(', ')}? ${otherwise}` : otherwise;
}
