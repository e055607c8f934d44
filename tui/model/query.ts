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
  /** `metadata.labels` (Git's, else the target's), for `label:` words. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A parsed `/` filter, k9s style: words are ANDed; `kind:`, `ns:` (or
 * `namespace:`) and `state:` match those columns (a comma lists
 * alternatives: `state:create,update`; `state:changed` is any change); a
 * leading `!` negates a word (`!state:unchanged`); `label:KEY=VALUE` (or
 * k9s's `-l KEY=VALUE`, or just `label:KEY` for "has it") matches labels,
 * a comma ANDing them as a Kubernetes label selector does; any other word is a
 * case-insensitive substring of the identity, kind, state, provider,
 * target, risk or policy state. An identity such as `database:shop/db` is
 * free text (its prefix is not a column name).
 */
export interface Query {
  readonly words: readonly { readonly field?: Field; readonly values: readonly string[]; readonly negated: boolean }[];
}

type Field = 'kind' | 'ns' | 'state' | 'label';
const FIELDS: Readonly<Record<string, Field>> = {
  kind: 'kind',
  k: 'kind',
  ns: 'ns',
  namespace: 'ns',
  state: 'state',
  s: 'state',
  label: 'label',
  labels: 'label',
  l: 'label',
};

export function parseQuery(text: string): Query {
  const words: Query['words'][number][] = [];
  const raws = text.trim().toLowerCase().split(/\s+/);
  for (let i = 0; i < raws.length; i++) {
    let raw = raws[i];
    if (!raw || raw === '!') continue;
    // k9s: `-l app=web` is a label selector
    if ((raw === '-l' || raw === '!-l') && i + 1 < raws.length) raw = `${raw.startsWith('!') ? '!' : ''}label:${raws[++i]}`;
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
    else if (w.field === 'label') hit = w.values.every((v) => labelMatches(row.labels, v));
    else hit = `${row.id} ${row.kind} ${row.state} ${row.extra}`.toLowerCase().includes(w.values[0]);
    if (hit === w.negated) return false;
  }
  return true;
}

function labelMatches(labels: Readonly<Record<string, string>> | undefined, selector: string): boolean {
  if (!labels) return false;
  const eq = selector.indexOf('=');
  const key = eq < 0 ? selector : selector.slice(0, eq);
  const found = Object.keys(labels).find((k) => k.toLowerCase() === key);
  if (found === undefined) return false;
  return eq < 0 || labels[found].toLowerCase() === selector.slice(eq + 1);
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
