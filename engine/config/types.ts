/**
 * plumb.yaml, the repository's configuration (schemas/config.schema.json).
 * Everything is optional; `resolveConfig` fills the defaults of docs/architecture.md,
 * "Command line".
 */
export interface TargetConfig {
  /** snapshot | file | exec | kubernetes | endpoint | host (the plugin name of exec goes in `name`). */
  readonly provider: string;
  /**
   * Which desired CIs this target owns. Default: the CIs whose effective provider
   * (`source.provider`, or `kubernetes` for manifests) is this target's provider;
   * for `exec`, `exec:<target name>`; a `snapshot` target owns every CI.
   */
  readonly select?: { kinds?: string[]; namespaces?: string[]; labels?: Record<string, string>; providers?: string[] };
  /** This target's prune guards, overriding plumb.yaml's top-level `prune` field by field. */
  readonly prune?: PruneConfig;
  /** Provider-specific settings (path, roots, command, args, timeout, kubeconfig, context…). */
  readonly [setting: string]: unknown;
}

export interface IgnoreDifference {
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly labels?: Record<string, string>;
  /** JSON Pointers into the CI document, e.g. `/spec/replicas`. */
  readonly pointers: readonly string[];
}

export interface BackupConfig {
  readonly store: 'dir' | 'git';
  /** Repository-relative or absolute. Default `.plumb/backups` (dir) or `.plumb/backups.git` (git). */
  readonly path: string;
}

export interface SyncConfig {
  readonly policy: 'manual' | 'automated';
  readonly selfHeal: boolean;
  readonly prune: boolean;
}

/** Prune guards (plumb.yaml `prune`, and a target's own `prune`). */
export interface PruneConfig {
  /** Prune a target whose inventory renders no CI at all. Default false: refused (`prune.empty-inventory`). */
  readonly allowEmpty?: boolean;
  /**
   * Refuse a prune that deletes more than this (`prune.max-deletes`): a count,
   * a percentage of the target's managed objects (`"25%"`), or both. Default: no ceiling.
   */
  readonly maxDeletes?: number | string | { readonly count?: number; readonly percent?: number };
}

export interface LimitsConfig {
  /** Files larger than this are refused with `load.file-too-large`. */
  readonly maxFileBytes: number;
  /** More aliases than this in one file is refused with `yaml.alias-limit`. */
  readonly maxAliases: number;
}

/** One Helm release of a chart in the repository (plumb.yaml `render.releases`). */
export interface ReleaseConfig {
  /** Repository-relative chart directory (holding Chart.yaml). */
  readonly chart: string;
  /** Release name; default the chart directory's name. */
  readonly name?: string;
  /** `helm template --namespace`; default `default`. */
  readonly namespace?: string;
  /** Repository-relative values files, later wins; default `<chart>/values.yaml` when it exists. */
  readonly values?: readonly string[];
  /** `--set key=value` pairs. */
  readonly set?: Readonly<Record<string, string | number | boolean>>;
  /** `helm template --include-crds`; default true. */
  readonly includeCRDs?: boolean;
}

/** The render stage (engine/render): Kustomize units, Helm releases, SOPS decryption. */
export interface RenderConfig {
  /** Find kustomizations and charts by convention. Default true. */
  readonly convention: boolean;
  /** Kustomization directories rendered as units even when another kustomization references them. */
  readonly kustomizations: readonly string[];
  readonly releases: readonly ReleaseConfig[];
  /** `helm template --kube-version`. */
  readonly kubeVersion?: string;
  /** `helm template --api-versions`. */
  readonly apiVersions: readonly string[];
  /** A unit whose tool is missing: `error` (default) or `warn` (its objects are left out, prune is off). */
  readonly onMissingTool: 'error' | 'warn';
  /** Seconds one render or decryption may take. Default 60. */
  readonly timeoutSeconds: number;
}

export interface PlumbConfig {
  readonly inventory: readonly string[];
  readonly policies: readonly string[];
  readonly schemas: string;
  readonly targets: Readonly<Record<string, TargetConfig>>;
  /** Target used when `--target` is not given; default the only target, else none. */
  readonly defaultTarget?: string;
  /**
   * The repository's ownership id; objects are labelled
   * `plumb.io/inventory=<inventoryId>.<target>` (engine/providers/ownership.ts).
   * Undefined: the name of the repository's directory.
   */
  readonly inventoryId?: string;
  /** Prune guards of every target. */
  readonly prune: PruneConfig;
  readonly ignoreDifferences: readonly IgnoreDifference[];
  /** `health:` — per-kind health rules in CEL and whether apply waits for a kind (engine/apply/health-rules.ts). */
  readonly health?: HealthConfig;
  readonly backup: BackupConfig;
  readonly sync: SyncConfig;
  readonly limits: LimitsConfig;
  readonly notifications: Readonly<Record<string, unknown>>;
  /** `network:` — where Endpoint probes and webhooks may connect (engine/network/reach-policy.ts). Absent: only the default denials. */
  readonly network?: { readonly allow?: readonly string[]; readonly deny?: readonly string[] };
  readonly render: RenderConfig;
  /** `metrics:` as written (schema-checked); engine/capacity/metrics-config.ts resolves it. Absent: capacity is off. */
  readonly metrics?: Readonly<Record<string, unknown>>;
  /** Where plumb.yaml was found (repository-relative), or undefined when defaults are in force. */
  readonly file?: string;
}

/** One kind's health rule, as Flux's healthCheckExprs. */
export interface HealthCheckExpr {
  readonly apiVersion: string;
  readonly kind: string;
  readonly current?: string;
  readonly failed?: string;
  readonly inProgress?: string;
  readonly wait?: boolean;
}

export interface HealthConfig {
  readonly checks?: readonly HealthCheckExpr[];
}

export const DEFAULT_CONFIG: PlumbConfig = {
  inventory: ['inventory/**/*.{yaml,yml}'],
  policies: ['policies/**/*.{yaml,yml}'],
  schemas: 'schemas',
  targets: {},
  prune: { allowEmpty: false },
  ignoreDifferences: [],
  backup: { store: 'dir', path: '.plumb/backups' },
  sync: { policy: 'manual', selfHeal: false, prune: false },
  limits: { maxFileBytes: 4 * 1024 * 1024, maxAliases: 100 },
  notifications: {},
  render: { convention: true, kustomizations: [], releases: [], apiVersions: [], onMissingTool: 'error', timeoutSeconds: 60 },
};
