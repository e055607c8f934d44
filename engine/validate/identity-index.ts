import { parseRef } from '../model/reference.js';
import { didYouMean } from '../model/did-you-mean.js';

/** Above this many candidates, a did-you-mean search stays inside the reference's namespace. */
const WIDE_SEARCH_LIMIT = 10_000;

/**
 * The set of identities in the inventory, with a did-you-mean for references
 * that miss. The suggestion indexes are built on the first miss only, and a miss
 * searches one bucket (same kind and namespace, then same kind), so a clean
 * inventory pays nothing and each miss costs at most O(CIs of that kind).
 */
export class IdentityIndex {
  private byKindNs?: Map<string, string[]>;
  private byKind?: Map<string, string[]>;
  private byNsName?: Map<string, string[]>;

  /** `has` answers membership (e.g. graph.hasNode); `all` lists the identities, asked on the first miss only. */
  constructor(
    readonly has: (id: string) => boolean,
    private readonly all: () => Iterable<string>,
  ) {}

  /** The existing identity closest to a missing one, if any is close. */
  suggest(id: string): string | undefined {
    const ref = parseRef(id);
    if (!ref) return undefined;
    this.buildIndexes();
    // A mistyped kind with the right namespace and name: `hots:shop/db-1`.
    const sameName = this.byNsName!.get(`${ref.namespace}/${ref.name}`);
    if (sameName) return didYouMean(id, sameName) ?? sameName[0];
    // Compare what differs, not the shared `kind:` prefix, or every short name would look close.
    const local = this.byKindNs!.get(`${ref.kind}:${ref.namespace}`) ?? [];
    const inNamespace = closestBy(ref.name, local, (candidate) => parseRef(candidate)!.name);
    if (inNamespace) return inNamespace;
    const wide = this.byKind!.get(ref.kind) ?? [];
    if (wide.length > WIDE_SEARCH_LIMIT) return undefined;
    return closestBy(`${ref.namespace}/${ref.name}`, wide, (candidate) => candidate.slice(candidate.indexOf(':') + 1));
  }

  private buildIndexes(): void {
    if (this.byKind) return;
    this.byKindNs = new Map();
    this.byKind = new Map();
    this.byNsName = new Map();
    for (const id of this.all()) {
      const ref = parseRef(id);
      if (!ref) continue;
      push(this.byKindNs, `${ref.kind}:${ref.namespace}`, id);
      push(this.byKind, ref.kind, id);
      push(this.byNsName, `${ref.namespace}/${ref.name}`, id);
    }
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function closestBy(word: string, candidates: readonly string[], key: (candidate: string) => string): string | undefined {
  const keys = new Map<string, string>();
  for (const candidate of candidates) keys.set(key(candidate), candidate);
  const match = didYouMean(word, keys.keys());
  return match === undefined ? undefined : keys.get(match);
}
