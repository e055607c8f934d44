import type { IgnoreDifference } from '../config/types.js';
import type { CI } from '../model/ci.js';

/**
 * Fields of a plumb CI that describe the CMDB, not the actual object: they are
 * never drift (a provider does not store relations or the owner group).
 */
export const PLUMB_ONLY_POINTERS: readonly string[] = Object.freeze([
  '/relations',
  '/source',
  '/metadata/owner',
  '/metadata/annotations/plumb.io~1relations',
  '/capacity',
  '/metadata/annotations/plumb.io~1capacity',
]);

/**
 * The JSON Pointers not compared for one CI: PLUMB_ONLY_POINTERS plus every
 * `ignoreDifferences` entry whose kind (case-insensitive), namespace, name and
 * labels all match. In a name-keyed list, an entry is addressed by its name
 * (`/spec/template/spec/containers/istio-proxy`); `*` matches any key.
 * When no rule matches (most CIs), the list is {@link PLUMB_ONLY_POINTERS}
 * itself, frozen: one list for every such CI, whose trie the diff finds by
 * identity (engine/redact/pointer-trie.ts).
 */
export function ignorePointersFor(ci: Pick<CI, 'kind' | 'namespace' | 'name' | 'labels'>, rules: readonly IgnoreDifference[]): readonly string[] {
  let out: string[] | undefined;
  for (const r of rules) {
    if (r.kind !== undefined && r.kind.toLowerCase() !== ci.kind.toLowerCase()) continue;
    if (r.namespace !== undefined && r.namespace !== ci.namespace) continue;
    if (r.name !== undefined && r.name !== ci.name) continue;
    if (r.labels && !Object.entries(r.labels).every(([k, v]) => ci.labels[k] === v)) continue;
    (out ??= [...PLUMB_ONLY_POINTERS]).push(...r.pointers);
  }
  return out ?? PLUMB_ONLY_POINTERS;
}
