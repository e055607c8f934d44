import type { Place } from '../model/ci.js';
import { isRecord, scalarLeaves, type PositionedFile } from './provenance.js';

/**
 * Traces the fields of one rendered Helm object back to values lines, where it
 * can be done without running Helm again: the template (and the `_*.tpl`
 * helpers beside it) names `.Values.a.b`; the last values file that sets
 * `a.b` (chart values.yaml first, then the release's files in order) holds
 * its value; a field of the object whose value equals it — or contains it, for
 * values of 3 characters or more, as in `image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"` —
 * is set there. Fields not traced stay with the template.
 * Hand-written: Helm keeps no provenance of values; this is the part of it a
 * review needs (which values line changed which object).
 *
 * @returns JSON Pointer of the object → the values line
 */
export function helmValueFields(
  object: Record<string, unknown>,
  template: string,
  helpers: string,
  valuesFiles: readonly PositionedFile[],
): Record<string, Place> {
  const refs = new Set<string>();
  for (const text of [template, helpers]) {
    for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/g)) refs.add(m[1].slice(1));
  }
  if (refs.size === 0) return {};
  // rank: a later values file overrides an earlier one, so its lines are what a person changes per release
  const candidates: { value: string; place: Place; rank: number }[] = [];
  for (const ref of refs) {
    const path = ref.split('.');
    for (let f = valuesFiles.length - 1; f >= 0; f--) {
      const file = valuesFiles[f];
      let node: unknown = file.values[0];
      for (const key of path) node = isRecord(node) ? node[key] : undefined;
      if (node === undefined) continue;
      for (const leaf of scalarLeaves(node, path)) candidates.push({ value: leaf.value, place: file.place(0, leaf.pointer), rank: f });
      break;
    }
  }
  const fields: Record<string, Place> = {};
  for (const leaf of scalarLeaves(object)) {
    if (leaf.pointer.startsWith('/metadata/labels') || leaf.pointer.startsWith('/metadata/annotations/meta.helm.sh')) continue;
    const exact = best(candidates.filter((c) => c.value === leaf.value));
    const within = exact ?? best(candidates.filter((c) => c.value.length >= 3 && leaf.value.includes(c.value)));
    if (within) fields[leaf.pointer] = within.place;
  }
  return fields;
}

/** The candidate from the values file with the highest precedence; among equals the longest value. */
function best<T extends { value: string; rank: number }>(candidates: readonly T[]): T | undefined {
  let out: T | undefined;
  for (const c of candidates) if (!out || c.rank > out.rank || (c.rank === out.rank && c.value.length > out.value.length)) out = c;
  return out;
}
