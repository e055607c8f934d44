import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ChangeAction } from '../model/change-action.js';

/**
 * An observed object: the actual counterpart of a CI, in the same shape as a
 * desired document (`object` is apiVersion/kind/metadata/spec… as data).
 */
export interface ObservedObject {
  /** Identity `kind:namespace/name` (kind lowercased), or the provider's own key mapped to it. */
  readonly id: string;
  readonly object: Readonly<Record<string, unknown>>;
  /**
   * Does this inventory own the object (its `plumb.io/inventory` label, or a
   * legacy `plumb.io/managed-by` label on an object a desired CI declares)?
   * Prune only touches these (engine/providers/managed-label.ts).
   */
  readonly managedByPlumb?: boolean;
  /** Someone else's ownership mark: another inventory's label value, or `legacy`. Never pruned; taken over only with `apply --adopt`. */
  readonly owner?: string;
  /**
   * JSON Pointers into `object` of the fields plumb set and alone owns (Kubernetes:
   * the managedFields of field manager `plumb` that no other manager shares; a
   * snapshot records them; the snapshot provider sets them on apply). A field in
   * this set that the desired CI no longer declares is removed by apply, so the
   * plan shows it as an update; fields other managers own are never shown.
   */
  readonly owned?: readonly string[];
}

export interface ProviderAnswer {
  readonly diagnostics: readonly Diagnostic[];
}

export interface DiscoverRequest {
  /** The desired CIs this provider is asked about (so it can look them up directly). */
  readonly desired: readonly CI[];
  readonly selector?: { kinds?: string[]; namespaces?: string[]; labels?: Record<string, string> };
  /**
   * For health monitoring (engine/correlate/signals): keep each observed
   * object's `status` (normally dropped: it is never drift) and look at the
   * desired CIs only (no sweep for unmanaged objects). Providers whose
   * objects carry no status ignore it.
   */
  readonly withStatus?: boolean;
  /**
   * Only the desired CIs are asked about (apply's check that a plan is still
   * fresh): no sweep for objects of other types this inventory owns. Providers
   * without such a sweep ignore it.
   */
  readonly desiredOnly?: boolean;
}
export interface DiscoverAnswer extends ProviderAnswer {
  readonly observed: readonly ObservedObject[];
  /**
   * Desired CIs whose actual state could not be read although the target answers
   * (their Kubernetes API group is unavailable): unknown, so the plan neither
   * creates nor deletes them; a warning says why.
   */
  readonly unknown?: readonly string[];
}

/** What a target says about itself for rendering (`helm template --kube-version`, `--api-versions`). */
export interface CapabilitiesAnswer extends ProviderAnswer {
  /** The server's version, e.g. `v1.36.3`; absent when the target did not answer (a diagnostic says why). */
  readonly kubeVersion?: string;
  /** Group-versions and `group-version/Kind` entries the target serves, sorted. */
  readonly apiVersions?: readonly string[];
}

export interface DiffRequest {
  readonly desired: CI;
  readonly observed?: ObservedObject;
  /**
   * True when the desired or the observed object holds a value its kind's
   * schema marks `x-plumb-secret` (the caller knows the kind schemas, the
   * provider does not): the answer, which repeats those values, is never
   * written to a persistent cache.
   */
  readonly holdsSecrets?: boolean;
}
export interface DiffAnswer extends ProviderAnswer {
  /**
   * The change cannot be made in place: a field the server will not change on
   * a live object (Kubernetes: immutable fields) differs. The plan makes it a
   * `replace` (delete + create), applied only with an explicit opt-in.
   */
  readonly replace?: { readonly fields: readonly string[]; readonly message: string };
  /** What the object would look like after apply (e.g. a server-side-apply dry run); compared instead of `desired`. */
  readonly projected?: Readonly<Record<string, unknown>>;
}

/**
 * The change a provider is asked to make. Apply passes the plan's
 * PlannedChange (engine/plan/types.ts), which carries more; an exec plugin
 * receives that whole object (docs/exec-protocol.md). Providers read these.
 */
export interface ChangeRequest {
  /** CI identity. */
  readonly id: string;
  readonly action: ChangeAction;
}

export interface ApplyRequest {
  readonly change: ChangeRequest;
  /** The desired document (absent for a delete). */
  readonly desired?: Readonly<Record<string, unknown>>;
  readonly dryRun: boolean;
}
export interface ApplyAnswer extends ProviderAnswer {
  readonly ok: boolean;
  /** The object as observed after the change (absent after a delete). */
  readonly observed?: ObservedObject;
  /**
   * The object whole as the system stored it, status and server fields
   * included (a Kubernetes write's answer): the health wait's first
   * observation (HealthRequest.written). Kept in memory for the wave only,
   * never recorded or printed.
   */
  readonly stored?: Readonly<Record<string, unknown>>;
}

export interface CascadeRequest {
  /** Identities about to be deleted. */
  readonly ids: readonly string[];
}
export interface CascadeAnswer extends ProviderAnswer {
  /** Parent identity → the objects its deletion removes with it. */
  readonly cascades: ReadonlyMap<string, readonly ObservedObject[]>;
}

export interface BackupRequest {
  readonly ids: readonly string[];
}
/** One restorable artifact per CI, as raw bytes the provider alone interprets. `exists: false` records that there was nothing (restore deletes). */
export interface BackupArtifact {
  readonly id: string;
  readonly exists: boolean;
  readonly mediaType: string;
  readonly data: Uint8Array;
}
export interface BackupAnswer extends ProviderAnswer {
  readonly artifacts: readonly BackupArtifact[];
}

export interface RestoreRequest {
  readonly artifacts: readonly BackupArtifact[];
  readonly dryRun: boolean;
}
export interface RestoreAnswer extends ProviderAnswer {
  readonly restored: readonly string[];
  readonly ok: boolean;
}

export interface HealthRequest {
  readonly ids: readonly string[];
  readonly timeoutMs: number;
  /**
   * Identity → the object as the provider's own `apply` stored it in this
   * wave (`ApplyAnswer.stored`): the first observation, so an object already
   * healthy as written need not be read again.
   */
  readonly written?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}
export interface HealthAnswer extends ProviderAnswer {
  readonly results: readonly { id: string; healthy: boolean; message?: string }[];
}

export type WatchEvent = { type: 'added' | 'modified' | 'deleted'; id: string; object?: Readonly<Record<string, unknown>> };

/**
 * The narrow contract every provider implements (Terraform's providers.Interface).
 * Each call takes one request object and an AbortSignal; each answer carries
 * diagnostics. A provider never throws for an expected failure (unreachable,
 * forbidden, refused path): it answers with an error diagnostic.
 */
export interface Provider {
  /** `snapshot`, `file`, `exec:NAME`, `kubernetes`, `endpoint`, `host`, `fake`. */
  readonly name: string;
  /** Read-only providers (endpoint, host) refuse apply/restore. */
  readonly readOnly?: boolean;
  discover(req: DiscoverRequest, signal: AbortSignal): Promise<DiscoverAnswer>;
  diff?(req: DiffRequest, signal: AbortSignal): Promise<DiffAnswer>;
  /** The Kubernetes version and API versions charts render for (Kubernetes); never throws, a failure is a diagnostic. */
  capabilities?(signal: AbortSignal): Promise<CapabilitiesAnswer>;
  apply?(req: ApplyRequest, signal: AbortSignal): Promise<ApplyAnswer>;
  /**
   * What deleting each of `ids` takes with it on the target (Kubernetes: the
   * objects in a Namespace, the custom resources of a CRD), so the plan can
   * list, count, back up and restore them. Providers without cascades omit it.
   */
  cascade?(req: CascadeRequest, signal: AbortSignal): Promise<CascadeAnswer>;
  backup?(req: BackupRequest, signal: AbortSignal): Promise<BackupAnswer>;
  restore?(req: RestoreRequest, signal: AbortSignal): Promise<RestoreAnswer>;
  health?(req: HealthRequest, signal: AbortSignal): Promise<HealthAnswer>;
  watch?(req: { selector?: DiscoverRequest['selector'] }, onEvent: (e: WatchEvent) => void): () => void;
  /**
   * Starts, in the background, what every discover begins with and that needs
   * nothing from the desired state (Kubernetes: the credential, TLS, API
   * discovery, the dry-run keys' basis), so it overlaps the repository's load
   * (engine/plan/run-plan.ts). Never throws and changes no answer: a failure
   * surfaces from the call that needs it, as without it.
   */
  prepare?(signal: AbortSignal): void;
  close?(): Promise<void>;
}
