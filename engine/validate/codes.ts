/**
 * The diagnostic codes validation emits (beyond the loader's `yaml.*`, `load.*`,
 * `ci.missing-field`, `ci.relations-annotation`, `config.*`), with what each
 * means — stable: tests, SARIF rules and users' scripts key on them.
 */
export const VALIDATE_CODES: Readonly<Record<string, string>> = {
  'kind.unknown': 'a plumb.io CI whose kind has no schema (built-in or the repository\'s schemas/<Kind>.schema.json)',
  'schema.violation': 'a CI document does not satisfy its kind\'s JSON Schema',
  'schema.invalid': 'a kind schema does not compile; CIs of that kind are not schema-checked',
  'name.invalid': 'a plumb.io CI name breaks [a-z0-9]([-a-z0-9.]*[a-z0-9])? or is longer than 253 characters',
  'ci.duplicate': 'two documents with the same identity kind:namespace/name',
  'ref.malformed': 'a relation target or metadata.owner that is not kind:name or kind:namespace/name',
  'ref.unresolved': 'a relation target or metadata.owner that names no CI',
  'relation.unknown-type': 'a relation type that is not one of DESIGN.md\'s',
  'relation.cycle': 'a cycle in a relation type other than connectsTo and alternativeTo',
  'k8s.field-missing': 'a Kubernetes workload without a pod template',
  'k8s.name-invalid': 'a Kubernetes name the API server would refuse for that kind',
  'k8s.namespace-invalid': 'a Kubernetes namespace that is not a DNS-1123 label',
  'k8s.secret-base64': 'a value of a Secret\'s data that is not base64',
  'k8s.container-invalid': 'a pod template without containers, or a container without name or image',
  'k8s.selector-invalid': 'a Service selector that is not a map of strings',
};
