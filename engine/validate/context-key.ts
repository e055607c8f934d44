import { createHash } from 'node:crypto';
import type { LoadedRepository } from '../load/types.js';
import { canonicalJson } from '../model/canonical-json.js';

const contexts = new WeakMap<LoadedRepository, string>();

/** What every file's local results depend on beyond its own content: the kind schemas and the inventory's CRDs (once per loaded repository). */
export function contextKey(repo: LoadedRepository): string {
  let key = contexts.get(repo);
  if (key === undefined) {
    const hash = createHash('sha256');
    for (const [kind, s] of [...repo.schemas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${kind}\0${s.file}\0${canonicalJson(s.schema)}\n`);
    for (const ci of repo.cis) if (ci.kind === 'CustomResourceDefinition') hash.update(`crd\0${ci.id}\0${canonicalJson(ci.object)}\n`);
    key = hash.digest('hex');
    contexts.set(repo, key);
  }
  return key;
}
