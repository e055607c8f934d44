/** Options every `yaml` parse in plumb uses (inventory, plumb.yaml, positions), so positions and values agree everywhere. */
export const YAML_OPTIONS = { version: '1.2', schema: 'core', merge: false, uniqueKeys: true, prettyErrors: true } as const;
