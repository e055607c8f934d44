/** What a change does to a CI: the diff's classification of desired against observed. */
export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'noop';
