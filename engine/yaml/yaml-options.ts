/**
 * Options every `yaml` parse in plumb uses (inventory, plumb.yaml, positions), so positions and values agree everywhere.
 * `logLevel: 'error'`: the parser writes nothing to the process itself (it printed Node's "Keys with collection
 * values will be stringified" warning on stderr, beside plumb's output); what plumb must say is a diagnostic.
 */
export const YAML_OPTIONS = { version: '1.2', schema: 'core', merge: false, uniqueKeys: true, prettyErrors: true, logLevel: 'error' } as const;
