/**
 * Every diagnostic and error code plumb emits, with what it means and what to
 * do about it. `Diagnostic.code` and `PlumbError.code` are typed by this map,
 * so a misspelt code does not compile, and docs/errors.md is generated from it.
 *
 * Adding a code: add one entry below (keep the group's alphabetical order),
 * then run `npm run docs:errors` and commit docs/errors.md with it. A test in
 * `npm test` (test/engine/model/codes.test.ts) fails when docs/errors.md does
 * not match this file.
 *
 * Codes are `area.what`, lowercase, stable: tests, SARIF rules and users'
 * scripts key on them. `unreachable: true` marks the codes that mean "the
 * system behind a target does not answer" (apply stops that target's wave).
 */
export interface CodeInfo {
  /** What happened, as a phrase. */
  readonly meaning: string;
  /** What the user can do about it, when there is one thing to say. */
  readonly hint?: string;
  /** The target's system does not answer: the rest of its wave is not attempted. */
  readonly unreachable?: true;
}

export const CODES = {
  // plumb.yaml and the command line
  'cache.key-unusable': {
    meaning: "the content cache's key file (in $XDG_STATE_HOME/plumb) cannot be trusted or made: the cache is off for this run (a warning on stderr)",
    hint: 'the warning names the file and the fix: chmod 600 it, remove it (plumb makes a new one), or set XDG_STATE_HOME',
  },
  'cache.unwritable': {
    meaning:
      'the content cache directory cannot hold files (a file where a directory should be, procfs, a read-only or full file system): the cache is off for this run (a warning on stderr)',
    hint: 'set PLUMB_CACHE_DIR to a writable directory on a local disk, or PLUMB_CACHE=off',
  },
  'cache.weak-key': {
    meaning: 'PLUMB_CACHE_KEY is not at least 32 random bytes written as hex or base64',
    hint: "make one with `openssl rand -hex 32` and keep it in the CI system's secrets, or unset PLUMB_CACHE_KEY",
  },
  'cli.bad-now': { meaning: '--now is not an RFC 3339 timestamp with an offset (Z or ±HH:MM)', hint: 'e.g. --now 2026-01-01T12:00:00Z' },
  'cli.bad-option': { meaning: 'a command-line option has a value it cannot take', hint: 'see `plumb <command> --help`' },
  'cli.bad-ref': { meaning: 'a command-line argument is not a CI reference', hint: 'write kind:name or kind:namespace/name' },
  'cli.internal': { meaning: 'plumb failed unexpectedly: a bug', hint: 'run again with PLUMB_DEBUG=1 for details and report it' },
  'cli.usage': { meaning: 'options that do not go together, or one that needs another', hint: 'see `plumb <command> --help`' },
  'config.bad-duration': { meaning: 'a duration setting is not a duration', hint: 'write a number with a unit (500ms, 30s, 2m, 1h); a bare number is seconds' },
  'config.inline-secret': { meaning: 'plumb.yaml holds a credential inline', hint: 'use secretEnv or secretFile' },
  'config.invalid': { meaning: 'plumb.yaml does not satisfy schemas/config.schema.json', hint: 'fix the setting at the position shown' },
  'config.not-found': {
    meaning: 'no --repo was given and no plumb.yaml is in the current directory or any directory above it',
    hint: 'run plumb inside a repository with a plumb.yaml at its root, or pass --repo DIR',
  },
  'config.path-outside-repository': {
    meaning: 'plumb.yaml names a path (schemas, backup.path, a snapshot path) outside the repository',
    hint: 'use a path inside the repository, or have the operator set PLUMB_ALLOW_PATHS_OUTSIDE_REPO=1',
  },
  'config.unknown-target': { meaning: 'defaultTarget names a target plumb.yaml does not declare', hint: 'name one of the targets' },
  'controller.webhook-secret-missing': { meaning: 'the controller cannot read its webhook secret file', hint: 'mount the Secret at that path' },
  'discover.ambiguous-target': { meaning: 'plumb.yaml declares several targets and none was named', hint: 'pass --target NAME' },
  'discover.interrupted': { meaning: 'discover was interrupted by the operator' },
  'discover.no-targets': { meaning: 'plumb.yaml declares no targets to discover', hint: 'add a target under `targets:`' },
  'discover.unknown-target': { meaning: '--target names no target of plumb.yaml', hint: 'name one of the targets plumb.yaml declares' },
  'tui.no-terminal': { meaning: 'plumb tui was started without an interactive terminal', hint: 'run it in a terminal, or use plumb plan / plumb apply' },
  'tui.plan-failed': { meaning: 'the TUI could not plan', hint: 'run `plumb plan` to see the error' },
  'tui.plan-worker-exited': { meaning: 'the TUI planning worker exited without an answer', hint: 'run `plumb plan` to see the error' },

  // loading the repository
  'ci.generate-name': {
    meaning: 'an object has only metadata.generateName, so plumb cannot identify it (refused; a rendered one is left out)',
    hint: 'give it metadata.name',
  },
  'ci.missing-field': { meaning: 'a CI document lacks apiVersion, kind or metadata.name', hint: 'add the field' },
  'ci.relations-annotation': { meaning: 'the plumb.io/relations annotation is not a YAML list of {type, target}', hint: 'write it like `relations:`' },
  'git.not-a-repository': { meaning: '--rev or review needs a Git repository and the directory is not one', hint: 'run inside a Git work tree, or drop --rev' },
  'git.unknown-rev': { meaning: 'a Git revision that does not exist', hint: 'check the name with `git rev-parse REV`' },
  'load.file-too-large': {
    meaning: 'a file is larger than limits.maxFileBytes and was not read',
    hint: 'split it, or raise limits.maxFileBytes in plumb.yaml',
  },
  'load.not-a-file': {
    meaning: 'a path plumb reads (plumb.yaml, an inventory or policy file) is a named pipe, socket or device, not a regular file',
    hint: 'replace it with a file',
  },
  'load.no-inventory': { meaning: 'no file matches the inventory globs', hint: 'check `inventory:` in plumb.yaml' },
  'load.not-utf8': {
    meaning: 'a file is not valid UTF-8, or its name or its directory name is not (in the work tree and in a Git revision alike)',
    hint: 'save it as UTF-8; rename it with a UTF-8 name',
  },
  'load.repo-not-found': { meaning: 'the repository directory does not exist', hint: 'check --repo' },
  'load.schema-invalid': { meaning: 'a schemas/<Kind>.schema.json is not a JSON Schema object', hint: 'fix the schema file' },
  'load.symlink-broken': {
    meaning: 'a symbolic link named like a file plumb reads points at nothing (its target is gone, or a loop)',
    hint: 'restore its target, or remove the link',
  },
  'load.symlink-outside': { meaning: 'a symlink leads outside the repository and was not followed' },
  'load.symlink-skipped': { meaning: 'a symlink in a Git tree was skipped (plumb reads files, not links)' },
  'render.chart-dependency': {
    meaning: "a chart dependency is not vendored under the chart's charts/ directory; plumb renders without the network",
    hint: 'run `helm dependency build <chart>` and commit charts/',
  },
  'render.failed': { meaning: 'kustomize build or helm template failed on a unit', hint: 'run the tool on the unit to see its whole message' },
  'render.helm-hook': {
    meaning: 'a Helm hook is left out of the desired state (plumb has no hook phases)',
    hint: 'run hooks with helm, or make the object a plain template',
  },
  'render.no-chart': { meaning: 'render.releases names a chart directory without Chart.yaml', hint: 'fix the path in plumb.yaml' },
  'render.no-kustomization': { meaning: 'render.kustomizations names a directory without kustomization.yaml', hint: 'fix the path in plumb.yaml' },
  'render.no-values-file': {
    meaning: 'a release names a values file that does not exist',
    hint: 'fix the path in plumb.yaml (values files are repository-relative)',
  },
  'render.output-too-large': {
    meaning: 'kustomize or helm rendered more than 4 times limits.maxFileBytes for one unit',
    hint: 'render fewer objects, or raise limits.maxFileBytes in plumb.yaml',
  },
  'render.path-outside-repository': {
    meaning: 'a kustomization names a path (a base, a file) outside the repository or absolute; rendering reads only the repository',
    hint: 'copy it into the repository and reference it by a path inside it',
  },
  'render.remote-base': {
    meaning: 'a kustomization references a remote base; plumb renders without the network',
    hint: 'vendor the base into the repository and reference the local directory',
  },
  'render.target-unanswered': {
    meaning:
      "the Kubernetes target of a chart did not say its version and API versions; charts render for plumb.yaml's render.kubeVersion / render.apiVersions or helm's defaults",
    hint: 'check the target is reachable (kubeconfig, context), or set kubeVersion and apiVersions on the target in plumb.yaml',
  },
  'render.timeout': { meaning: 'a render took longer than render.timeoutSeconds', hint: 'raise render.timeoutSeconds in plumb.yaml' },
  'render.tool-missing': {
    meaning: 'kustomize, helm or sops is needed and not installed',
    hint: 'install the tested version (README, "Kustomize, Helm and SOPS") or set PLUMB_KUSTOMIZE / PLUMB_HELM / PLUMB_SOPS',
  },
  'sops.decrypt-failed': { meaning: 'sops could not decrypt a file', hint: 'run `sops decrypt` on it to see why' },
  'sops.mac-mismatch': {
    meaning: 'a SOPS file fails its MAC check (edited without sops, or damaged); nothing of it is loaded',
    hint: 'edit it with `sops edit`, or re-encrypt it',
  },
  'sops.no-key': { meaning: 'no available key decrypts a SOPS file; nothing of it is loaded', hint: 'set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY' },
  'sops.timeout': { meaning: 'decrypting a SOPS file took longer than render.timeoutSeconds', hint: 'raise render.timeoutSeconds in plumb.yaml' },
  'yaml.alias-limit': {
    meaning: 'a YAML document uses more aliases than limits.maxAliases (an alias bomb?)',
    hint: 'expand the aliases, or raise limits.maxAliases',
  },
  'yaml.complex-key': {
    meaning: 'a YAML mapping key is a sequence or a mapping',
    hint: 'write the key as a string: Kubernetes and JSON take only string keys',
  },
  'yaml.duplicate-key': { meaning: 'a YAML mapping repeats a key', hint: 'keep one of them' },
  'yaml.kubectl-differs': {
    meaning:
      'a construct in a Kubernetes manifest that kubectl reads differently and plumb cannot reproduce (.inf/.nan, !!binary, a merge key after a key it overrides)',
    hint: 'rewrite it as the message says',
  },
  'yaml.null-key': {
    meaning: 'a YAML mapping key is null (~, null, !!null): JSON and Kubernetes have no such key, kubectl refuses it',
    hint: 'quote the key ("~": …) if it is meant as text, or name the entry',
  },
  'yaml.not-a-mapping': {
    meaning: 'a YAML document is not a mapping, so it is no CI',
    hint: 'write each document as a mapping with apiVersion, kind, metadata',
  },
  'yaml.syntax': { meaning: 'YAML that does not parse', hint: 'fix the syntax at the position shown' },
  'yaml.warning': { meaning: 'YAML the parser accepted with a warning' },

  // validation
  'ci.duplicate': { meaning: 'two documents with the same identity kind:namespace/name', hint: 'rename or remove one of them' },
  'k8s.annotation-invalid': { meaning: 'an annotation key that is not a qualified name, or annotations over 256 KiB' },
  'k8s.container-invalid': {
    meaning: 'a pod template without containers, a container without name or image, or a container name that is not a unique DNS-1123 label',
  },
  'k8s.data-too-large': { meaning: 'a ConfigMap or Secret whose data the API server refuses as over 1 MiB' },
  'k8s.data-key-invalid': {
    meaning: "a ConfigMap or Secret data key the API server refuses ([-._a-zA-Z0-9]+, at most 253 characters, not '..'-prefixed)",
  },
  'k8s.ephemeral-containers': {
    meaning:
      'a Pod or pod template that declares ephemeralContainers, which the API server refuses (they are added to a running pod through its ephemeralcontainers subresource)',
    hint: 'remove them; use `kubectl debug` on the running pod',
  },
  'k8s.field-missing': { meaning: 'a Kubernetes workload without a pod template' },
  'k8s.field-required': { meaning: 'a Kubernetes object lacks a field its schema requires', hint: 'add the field' },
  'k8s.field-unknown': {
    meaning: "a field the kind's schema does not declare (kubectl's strict validation refuses it)",
    hint: 'fix the spelling or the indentation, or check the apiVersion',
  },
  'k8s.label-invalid': { meaning: 'a label (or selector) key that is not a qualified name, or a value that is not a label value' },
  'k8s.list-key-duplicate': {
    meaning: 'two entries of a list-map (x-kubernetes-list-map-keys) or set with the same key',
    hint: 'make each key unique; server-side apply merges entries by it',
  },
  'k8s.name-invalid': { meaning: 'a Kubernetes name the API server would refuse for that kind' },
  'k8s.namespace-invalid': { meaning: 'a Kubernetes namespace that is not a DNS-1123 label' },
  'k8s.port-invalid': {
    meaning: 'a container or Service port the API server refuses: a number outside 1–65535, a bad or repeated name, an unnamed port of several',
  },
  'k8s.secret-base64': { meaning: "a value of a Secret's data that is not base64", hint: 'base64-encode it, or move it to stringData' },
  'k8s.selector-invalid': { meaning: 'a Service selector that is not a map of strings' },
  'k8s.type-invalid': {
    meaning: 'a value of the wrong type for its Kubernetes field (a number where a string belongs, a quoted integer)',
    hint: 'quote strings, unquote numbers',
  },
  'k8s.volume-invalid': { meaning: 'a pod volume whose name is not a unique DNS-1123 label, or a volumeMount naming no volume of the pod' },
  'k8s.value-not-allowed': { meaning: 'a value outside the enum of its Kubernetes field', hint: 'use one of the allowed values' },
  'kind.unknown': {
    meaning: "a plumb.io CI whose kind has no schema (built-in or the repository's schemas/<Kind>.schema.json)",
    hint: 'fix the kind, or add schemas/<Kind>.schema.json',
  },
  'name.invalid': { meaning: 'a plumb.io CI name breaks [a-z0-9]([-a-z0-9.]*[a-z0-9])? or is longer than 253 characters' },
  'ref.malformed': { meaning: 'a reference that is not kind:name or kind:namespace/name', hint: 'e.g. database:shop/orders-db' },
  'ref.unresolved': { meaning: 'a relation target or metadata.owner that names no CI', hint: 'fix the reference (the message suggests the closest one)' },
  'relation.cycle': { meaning: 'a cycle in a relation type other than connectsTo and alternativeTo', hint: 'break the cycle the message names' },
  'relation.unknown-type': { meaning: 'a relation type plumb does not know (see docs/architecture.md, "Relations and impact")' },
  'schema.invalid': { meaning: 'a kind schema does not compile; CIs of that kind are not schema-checked', hint: 'fix the schema' },
  'schema.violation': { meaning: "a CI document does not satisfy its kind's JSON Schema" },

  // capacity forecasting
  'capacity.at-risk': {
    meaning: 'a change touches a CI whose capacity forecast reaches its headroom limit or its capacity within the horizon',
    hint: 'see `plumb capacity REF`; add capacity before (or instead of) the change',
  },
  'capacity.duplicate-signal': { meaning: 'a CI declares two capacity signals with the same name', hint: 'give each signal of a CI its own name' },
  'capacity.field-missing': {
    meaning: 'a capacity given as {field} names no positive number of the CI',
    hint: 'name a field holding a positive number (e.g. spec.storageGb), or give the capacity as a number or {query}',
  },
  'capacity.invalid': {
    meaning: 'the plumb.io/capacity annotation is not a valid list of capacity signals',
    hint: 'write the same list as `capacity:` (schemas/capacity.schema.json), as YAML or JSON',
  },
  'capacity.no-metrics': {
    meaning: 'capacity signals need a metrics source and plumb.yaml has none',
    hint: 'add metrics: {provider: prometheus, url: …} to plumb.yaml (docs/capacity.md)',
  },
  'capacity.range-too-large': {
    meaning: 'a capacity signal asks for more samples than plumb reads (lookback / step)',
    hint: 'shorten the lookback or lengthen the step',
  },
  'capacity.source': {
    meaning: 'the metrics source could not be opened (a token file, an environment variable, a recording)',
    hint: 'check metrics: in plumb.yaml',
  },
  // graph and impact
  'graph.unknown-ref': { meaning: '--focus names no CI of the inventory', hint: 'check the reference with `plumb graph -o json`' },
  'impact.no-source': { meaning: 'plumb impact was given no CI to start from', hint: 'name a CI, e.g. `plumb impact database:shop/orders-db`' },
  'impact.unknown-ref': { meaning: 'an impact source names no CI of the inventory', hint: 'check the reference with `plumb graph -o json`' },
  'impact.unknown-source': { meaning: 'an impact source is not in the graph', hint: 'check the reference with `plumb graph -o json`' },

  // policies
  'policy.cel-compile': { meaning: 'a CEL expression that does not compile', hint: 'see https://cel.dev for the CEL syntax' },
  'policy.cel-cost': {
    meaning: 'a CEL expression exceeds its cost budget: estimated at compile time, or counted while it runs (fails closed)',
    hint: 'nest fewer comprehensions, or filter the list first',
  },
  'policy.cel-eval': { meaning: 'a CEL expression failed at run time (a deny fails closed)', hint: 'guard optional fields with has(…) or `in`' },
  'policy.denied': { meaning: 'a policy denies the plan', hint: 'fix the change, add a PolicyException, or apply with --override-policy REASON' },
  'policy.duplicate': { meaning: 'two policies with the same name', hint: 'policy names are global: rename one' },
  'policy.exception-expired': { meaning: 'a PolicyException past its expires date, which no longer applies', hint: 'renew it or remove it' },
  'policy.exception-unknown-ci': { meaning: 'a policy exception names a CI that is not in the inventory', hint: 'fix the reference, or remove the exception' },
  'policy.exception-unknown-policy': { meaning: 'a PolicyException names a policy that does not exist' },
  'policy.schema': { meaning: 'a Policy or PolicyException that does not satisfy its schema' },
  'policy.unknown-kind': {
    meaning: 'a document under the policy paths that is neither Policy nor PolicyException',
    hint: 'move CIs under the inventory paths',
  },

  // plan
  'network.denied': {
    meaning: "a connection plumb's network policy refuses (link-local or metadata address, --network-deny, plumb.yaml network)",
    hint: 'see docs/security.md, "Network reach"',
  },
  'plan.cascade-declared': {
    meaning: 'a CI Git declares lives in a Namespace (or is a custom resource of a CRD) the plan deletes, so the server deletes it too',
    hint: 'declare the parent again, or move the CI',
  },
  'plan.invalid': { meaning: 'a plan file that is not a plumb plan', hint: 'write the plan with `plumb plan --out plan.json`' },
  'plan.key-unreadable': { meaning: 'the plan key file named by PLUMB_PLAN_KEY_FILE cannot be read', hint: 'check the path and its permissions' },
  'plan.modified': { meaning: 'a plan file changed after it was planned (its hash does not match)', hint: 'plan again' },
  'plan.no-targets': { meaning: 'plumb.yaml declares no targets to plan against', hint: 'add a target under `targets:`' },
  'plan.stale': { meaning: 'what the plan observed has changed since it was planned', hint: 'run `plumb plan` again' },
  'plan.target-overlap': { meaning: 'two targets claim the same CI; the first is used', hint: 'narrow one of them with `select:`' },
  'plan.unknown-target': { meaning: '--target names no target of plumb.yaml', hint: 'name one of the targets plumb.yaml declares' },
  'plan.unreadable': { meaning: 'the plan file cannot be read', hint: 'write one with `plumb plan --out plan.json`' },
  'plan.unverifiable': {
    meaning: 'a plan of the work tree holds secret digests and no plan key is there to check them',
    hint: 'apply where it was planned, or set PLUMB_PLAN_KEY / PLUMB_PLAN_KEY_FILE',
  },
  'plan.wave-cycle': { meaning: 'the ordering relations form a cycle, so waves fall back to one per CI in the cycle' },

  // prune guards and ownership
  'ownership.conflict': {
    meaning: 'a change would take over an object another inventory owns (label plumb.io/inventory)',
    hint: 'remove it from one of the repositories, or apply with --adopt',
  },
  'ownership.legacy': {
    meaning: 'an object made by a plumb before inventory ids that no CI declares: listed as unmanaged, never pruned',
    hint: 'delete it by hand if this repository made it, or declare it and apply to mark it',
  },
  'prune.empty-inventory': {
    meaning: 'the inventory renders no CI for a target that manages objects, so a prune would delete all of them',
    hint: 'check the inventory globs and select; set prune.allowEmpty: true if emptying the target is intended',
  },
  'prune.max-deletes': {
    meaning: 'a prune would delete more than prune.maxDeletes allows',
    hint: 'review the deletes, or raise prune.maxDeletes for the target',
  },
  'prune.refused': {
    meaning: 'apply --prune (or the controller) refused a plan the prune guards stop; nothing was written',
    hint: 'see the guard named in the message',
  },

  // apply, backup, restore
  'apply.discover-failed': {
    meaning: 'apply could not read the actual state to check the plan is not stale',
    hint: 'check the target is reachable, then apply again',
  },
  'apply.interrupted': { meaning: 'apply was interrupted by the operator; the wave in flight finished or was rolled back' },
  'apply.needs-approval': { meaning: 'apply needs approval and there is no terminal to ask on', hint: 'pass --auto-approve' },
  'apply.no-provider': { meaning: 'the plan names a target plumb.yaml does not configure', hint: 'plan again with the current plumb.yaml' },
  'backup.corrupt': {
    meaning: "a backup whose SHA-256 does not match its manifest, or whose manifest is unreadable or names paths that are not the store's own",
    hint: 'use another backup',
  },
  'backup.failed': { meaning: 'a backup before a change failed, so the change was not attempted' },
  'backup.not-found': { meaning: 'no backup with that id in the store', hint: 'list them with `plumb backups`' },
  'backup.unknown-ci': { meaning: 'the backup does not hold a CI that was named', hint: 'see the backup with `plumb backups`' },
  'backup.write-failed': { meaning: 'a backup could not be written to the store', hint: 'check the store path, its permissions and free space' },
  'lock.held': { meaning: 'another apply holds the target lock', hint: 'wait for it, or --break-lock when it is orphaned' },
  'lock.no-space': {
    meaning: 'a target lock cannot be written: the disk is full (ENOSPC) or over quota; no lock is left behind',
    hint: 'free space, then run again',
  },
  'restore.failed': { meaning: 'a restore did not complete' },
  'restore.needs-approval': { meaning: 'restore needs approval and there is no terminal to ask on', hint: 'pass --auto-approve or --dry-run' },
  'target.unknown': { meaning: 'a name that is no target of plumb.yaml', hint: 'name one of the targets plumb.yaml declares' },

  // providers
  'provider.bad-setting': { meaning: 'a target setting has the wrong type or value', hint: 'fix the target in plumb.yaml' },
  'provider.no-backup': { meaning: 'the provider cannot back up' },
  'provider.no-desired': { meaning: 'an apply carries no desired document' },
  'provider.no-restore': { meaning: 'the provider cannot restore' },
  'provider.read-only': { meaning: 'the provider cannot apply (endpoint and host are read-only)' },
  'provider.unknown': { meaning: 'a target names a provider this plumb does not have', hint: 'use snapshot, file, exec, kubernetes, endpoint or host' },
  'endpoint.bad-spec': { meaning: 'an Endpoint CI whose spec cannot be probed' },
  'endpoint.certificate-expiring': { meaning: 'a TLS certificate expires within the warning window' },
  'exec.bad-output': { meaning: 'an exec plugin answered with something that is not the protocol (docs/exec-protocol.md)' },
  'exec.crashed': { meaning: 'an exec plugin was killed by a signal', hint: 'run it by hand with the same stdin' },
  'exec.exit-code': { meaning: 'an exec plugin exited non-zero', hint: "see the plugin's stderr" },
  'exec.plugin': { meaning: 'a diagnostic from an exec plugin that gave no code of its own' },
  'exec.spawn-failed': { meaning: 'an exec plugin could not be started', hint: 'check `command` of the target' },
  'exec.timeout': { meaning: 'an exec plugin did not answer within its timeout and was killed', hint: 'raise `timeout` of the target' },
  'fake.apply-failed': { meaning: 'the fake provider was told to fail an apply (tests)' },
  'fake.discover-failed': { meaning: 'the fake provider was told to fail discovery (tests)' },
  'fake.restore-failed': { meaning: 'the fake provider was told to fail a restore (tests)' },
  'file.bad-artifact': { meaning: 'a file backup artifact is not a file record' },
  'file.bad-spec': { meaning: 'a File CI whose spec the file provider cannot use' },
  'file.binary': { meaning: 'a file that is not UTF-8 text, so it never equals spec.content' },
  'file.directory-not-empty': { meaning: 'a delete of a directory that is not empty; plumb removes only empty directories' },
  'file.io': { meaning: 'a file operation failed', hint: 'check permissions and free space' },
  'file.no-roots': { meaning: 'a file target without roots', hint: 'add `roots: [dir]` to the target' },
  'file.not-regular': { meaning: 'a path that is neither a regular file nor a directory' },
  'file.outside-root': {
    meaning: 'a path, symlink or `..` that leads outside the declared roots',
    hint: 'plumb reads and writes only under the roots declared for the target, and never through symlinks',
  },
  'file.owner-unsupported': { meaning: 'spec.owner/group is not managed yet and not compared' },
  'file.root-missing': { meaning: 'a declared root does not exist', hint: 'create it, or fix `roots` of the target' },
  'file.too-large': { meaning: 'a file larger than limits.maxFileBytes' },
  'file.type-conflict': { meaning: 'a path holds a file where a directory is wanted, or the other way round', hint: 'remove it by hand first' },
  'file.unknown-ci': { meaning: 'the file provider does not know the path of a CI', hint: 'discover it first' },
  'file.unsupported-kind': { meaning: 'a CI of a kind other than File given to the file provider' },
  'file.verify-failed': { meaning: 'a written file does not read back as written' },
  'host.not-this-machine': { meaning: 'a Host CI that is not this machine, so the host provider does not observe it' },
  'kubernetes.already-gone': { meaning: 'a delete of an object that is already gone' },
  'kubernetes.api-error': { meaning: 'the API server answered with an error', hint: 'retry later' },
  'kubernetes.conflict': { meaning: 'another field manager owns a field plumb would set', hint: 'apply with --force-conflicts to take ownership' },
  'kubernetes.forbidden': {
    meaning:
      "the API server refused plumb's request: RBAC (or a proxy's 403), RBAC's escalation check, or admission (Pod Security, a policy, a webhook, a quota)",
    hint: 'grant the verb the message names; for an escalation, the rules it lists; for admission, change the object or what refuses it',
  },
  'kubernetes.group-unavailable': {
    meaning: 'an API group the server lists cannot be discovered (an aggregated APIService that is not ready): its CIs are unknown and left out of the plan',
    hint: 'check the APIService and the Service behind it',
  },
  'kubernetes.invalid': { meaning: 'the API server refused the manifest', hint: "fix the manifest; the message is the API server's" },
  'kubernetes.credentials-unavailable': {
    meaning: "the kubeconfig user's exec credential plugin or auth provider gave no credential (the API server was not asked)",
    hint: 'run the plugin by hand',
  },
  'kubernetes.kubeconfig-invalid': { meaning: 'the kubeconfig cannot be loaded' },
  'kubernetes.kubeconfig-missing': {
    meaning:
      'the kubeconfig named by --kubeconfig does not exist, or none of the files KUBECONFIG names does (a missing one among others is skipped, as kubectl skips it)',
  },
  'kubernetes.no-cluster': { meaning: 'the kubeconfig names no current cluster', hint: 'pass --context' },
  'kubernetes.no-desired': { meaning: 'a Kubernetes apply without a desired document' },
  'kubernetes.not-found': { meaning: 'the API server does not have the object' },
  'kubernetes.orphans-hidden': {
    meaning: 'the orphan sweep cannot list a type (RBAC forbids it, or the API server failed the list), so what this inventory owns there is not seen',
    hint: 'grant list there, or limit the target with `namespaces:`; a failed list: plan again once the API server answers',
  },
  'kubernetes.scope-unknown': {
    meaning:
      'the scope of a custom kind whose CRD is not in the inventory is unknown offline; its identity assumes namespace default until a target says otherwise',
    hint: 'write metadata.namespace for a namespaced kind',
  },
  'kubernetes.proxy-invalid': {
    meaning: "the kubeconfig cluster's proxy-url, or the proxy environment variable (HTTPS_PROXY, HTTP_PROXY), is not an http, https or socks5 URL",
    hint: 'write it as http://HOST:PORT, https://HOST:PORT or socks5://HOST:PORT (a user and password URL-encoded before the @), as kubectl reads it',
  },
  'kubernetes.prune-unowned': { meaning: 'refusing to delete an object this inventory does not own' },
  'kubernetes.unauthorized': { meaning: "the API server rejected plumb's credentials", hint: 'check the kubeconfig user' },
  'kubernetes.unknown-context': { meaning: '--context names no context of the kubeconfig' },
  'kubernetes.unknown-kind': { meaning: 'the API server does not serve a kind the inventory uses', hint: 'install its CRD first' },
  'kubernetes.verify-failed': {
    meaning: 'the API server did not store a declared field as the manifest asks (a mutating webhook, a pruning CRD schema, another controller)',
  },
  'kubernetes.unreachable': { meaning: 'the API server does not answer', hint: 'check the cluster and the kubeconfig', unreachable: true },
  'kubernetes.watch-forbidden': {
    meaning:
      "RBAC lets plumb get and list a resource but not watch it: apply's health wait reads those objects every poll interval instead of watching them (said once per resource)",
    hint: 'grant watch beside get and list on that resource',
  },
  'snapshot.alias-limit': {
    meaning: 'a snapshot uses more YAML aliases than limits.maxAliases allows',
    hint: 'record the snapshot again with `plumb discover`',
  },
  'snapshot.bad-artifact': { meaning: 'a snapshot backup artifact is not what the snapshot provider wrote' },
  'snapshot.duplicate': { meaning: 'a snapshot records one identity twice; the first is used' },
  'snapshot.invalid': { meaning: 'a snapshot file that does not satisfy its schema' },
  'snapshot.not-found': { meaning: 'the snapshot file does not exist', hint: 'record one with `plumb discover -o yaml`' },
  'snapshot.syntax': { meaning: 'a snapshot file that does not parse' },
  'snapshot.unreadable': { meaning: 'the snapshot file cannot be read' },
  'snapshot.verify-failed': { meaning: 'a snapshot edit does not read back as written' },
  'snapshot.write-failed': { meaning: 'a snapshot edit could not be written', hint: "check the file's permissions and free space" },

  // the controller
  'events.bad-event': { meaning: 'a health event without a valid CI, kind, time, detail or severity', hint: 'see docs/incidents.md, "Events"' },
  'incidents.bad-state': { meaning: 'the incident state file is not a plumb incident state' },
  'incidents.state-unreadable': { meaning: 'the incident state file cannot be read', hint: 'check the path and its permissions' },
  'notifications.bad-url': { meaning: 'a notification destination whose url is not http(s)' },
  'notifications.secret-missing': { meaning: 'a notification secret (secretEnv / secretFile) that is not there' },
  'reconcile.terminal': { meaning: 'a reconcile failed in a way a retry will not fix (stalled)', hint: 'see the status reason and message' },
  'reconcile.transient': { meaning: 'a reconcile failed in a way a retry may fix (retried with backoff)' },
  'status.bad-response': {
    meaning: 'what plumb status read is not a plumb controller status',
    hint: 'point --endpoint at the controller, or -n at its namespace',
  },
  'status.not-found': {
    meaning: 'the namespace has no plumb-status ConfigMap: no controller reconciled there',
    hint: "pass the controller's namespace with -n, or --endpoint URL",
  },
  'status.unreachable': { meaning: "the controller's /status endpoint does not answer", hint: 'check the controller is running and its --listen address' },
  'source.auth-failed': { meaning: 'the Git server refused the credentials', hint: 'check the token or USER:PASSWORD in the credentials Secret' },
  'source.bad-url': { meaning: 'the Git source is not an http(s) URL', hint: 'pass --git-url https://…' },
  'source.credentials-in-url': { meaning: 'the Git URL carries credentials', hint: 'pass them with --git-credentials-file' },
  'source.credentials-invalid': { meaning: 'Git credentials that are not USER:PASSWORD or a token' },
  'source.credentials-missing': { meaning: 'the Git credentials file cannot be read' },
  'source.not-found': { meaning: 'the Git repository or ref was not found' },
  'source.ref-not-found': { meaning: 'the Git source has no such branch or tag', hint: 'check --branch / --tag' },
  'source.unreachable': { meaning: 'the Git server does not answer', unreachable: true },
} as const satisfies Readonly<Record<string, CodeInfo>>;

/** A catalogued code. */
export type Code = keyof typeof CODES;

/**
 * A code an exec plugin chose itself (docs/exec-protocol.md): passed through as
 * given, never branched on except for the `.unreachable` suffix the protocol
 * documents. Made only by {@link pluginCode}.
 */
export type PluginCode = string & { readonly __pluginCode: true };

/** Marks a code that came from outside plumb (an exec plugin's answer). */
export function pluginCode(code: string): PluginCode {
  return code as PluginCode;
}

/** A code a diagnostic may carry. */
export type DiagnosticCode = Code | PluginCode;

export function isCode(code: string): code is Code {
  return Object.prototype.hasOwnProperty.call(CODES, code);
}

/**
 * Does this code mean the target's system does not answer? Catalogued codes
 * say so with `unreachable: true`; a plugin's own code says so by ending in
 * `.unreachable`, as docs/exec-protocol.md documents.
 */
export function isUnreachable(code: DiagnosticCode): boolean {
  if (isCode(code)) return (CODES[code] as CodeInfo).unreachable === true;
  return code.endsWith('.unreachable');
}
