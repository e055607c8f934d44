/** A CI's state as the browser shows it: the plan's action, or why there is none. */
export type CIState = 'create' | 'update' | 'replace' | 'delete' | 'unchanged' | 'unmanaged';

/** What a filter is matched against: one row of the CI browser or of the plan view. */
export interface Matchable {
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly state: CIState;
  /** Words the free text may also match (provider, target, risk level, policy state). */
  readonly extra: string;
}

/**
 * A parsed `/` filter, k9s style: words are ANDed; `kind:`, `ns:` (or
 * `namespace:`) and `state:` match those columns (a comma lists
 * alternatives: `state:create,update`; `state:changed` is any change); a
 * leading `!` negates a word (`!state:unchanged`); any other word is a
 * case-insensitive substring of the identity, kind, state, provider,
 * target, risk or policy state. An identity such as `database:shop/db` is
 * free text (its prefix is not a column name).
 */
export interface Query {
  readonly words: readonly { readonly field?: 'kind' | 'ns' | 'state'; readonly values: readonly string[]; readonly negated: boolean }[];
}

const FIELDS: Readonly<Record<string, 'kind' | 'ns' | 'state'>> = { kind: 'kind', k: 'kind', ns: 'ns', namespace: 'ns', state: 'state', s: 'state' };

export function parseQuery(text: string): Query {
  const words: Query['words'][number][] = [];
  for (const raw of text.trim().toLowerCase().split(/\s+/)) {
    if (!raw || raw === '!') continue;
    const negated = raw.startsWith('!');
    const word = negated ? raw.slice(1) : raw;
    const colon = word.indexOf(':');
    const field = colon > 0 ? FIELDS[word.slice(0, colon)] : undefined;
    if (field)
      words.push({
        field,
        values: word
          .slice(colon + 1)
          .split(',')
          .filter(Boolean),
        negated,
      });
    else words.push({ values: [word], negated });
  }
  return { words };
}

/** Does `row` pass every word of the query? */
export function matches(query: Query, row: Matchable): boolean {
  for (const w of query.words) {
    if (w.values.length === 0) continue;
    let hit: boolean;
    if (w.field === 'kind') hit = w.values.some((v) => row.kind.toLowerCase() === v || row.id.startsWith(`${v}:`));
    else if (w.field === 'ns') hit = w.values.some((v) => row.namespace.toLowerCase() === v);
    else if (w.field === 'state') hit = w.values.some((v) => stateMatches(row.state, v));
    else hit = `${row.id} ${row.kind} ${row.state} ${row.extra}`.toLowerCase().includes(w.values[0]);
    if (hit === w.negated) return false;
  }
  return true;
}

function stateMatches(state: CIState, want: string): boolean {
  if (want === 'changed' || want === 'changes') return state !== 'unchanged' && state !== 'unmanaged';
  if (want === 'noop' || want === 'synced') return state === 'unchanged';
  return state.startsWith(want);
}

/** The browser's state of a plan action. */
export function stateOfAction(action: 'create' | 'update' | 'replace' | 'delete' | 'noop'): CIState {
  return action === 'noop' ? 'unchanged' : action;
}

/** Identity → kind, namespace and name (`kind:namespace/name`; namespace `_cluster` for cluster-scoped objects). */
export function splitId(id: string): { kind: string; namespace: string; name: string } {
  const colon = id.indexOf(':');
  const slash = id.indexOf('/', colon);
  return { kind: id.slice(0, Math.max(0, colon)), namespace: slash > colon ? id.slice(colon + 1, slash) : '', name: id.slice(Math.max(colon, slash) + 1) };
}
