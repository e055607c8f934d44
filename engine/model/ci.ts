import type { RelationType } from './relations.js';

/** A place in a repository file (1-based line and column). */
export interface Place {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * How a rendered object came about (engine/render): the unit that rendered it
 * and, per field, the file a person edits to change that field (a Kustomize
 * patch, a Helm values line) when it is not `Origin.file` itself.
 */
export interface RenderProvenance {
  /** Unit id: `kustomize:<dir>` or `helm:<chart dir>#<release>`. */
  readonly unit: string;
  readonly tool: 'kustomize' | 'helm';
  /**
   * True when `Origin.file`/`doc` hold the object's own YAML (a Kustomize
   * resource file), so a pointer can be looked up in it; false for a Helm
   * template or a Kustomize generator.
   */
  readonly resource: boolean;
  /** JSON Pointer → where that field (and everything below it) is set. */
  readonly fields?: Readonly<Record<string, Place>>;
}

/** Where a document came from. Lines and columns are 1-based. */
export interface Origin {
  /** Repository-relative path, forward slashes. */
  readonly file: string;
  /** Index of the document within its file (0-based). */
  readonly doc: number;
  readonly line: number;
  readonly column: number;
  /**
   * JSON Pointer of this object inside the document, when it is not the whole
   * document (an item of a `kind: List`: `/items/3`).
   */
  readonly pointer?: string;
  /** Set for objects produced by `kustomize build` / `helm template`. */
  readonly render?: RenderProvenance;
}

/** One parsed YAML document, before it is interpreted as a CI, Policy or anything else. */
export interface RawDocument {
  readonly origin: Origin;
  /** The document as plain JSON-compatible data (mappings → objects, no Dates: YAML 1.2 core schema). */
  readonly value: unknown;
  /** Fields whose values were decrypted (SOPS) or copied from decrypted values: secret in every output. */
  readonly secrets?: readonly string[];
}

export interface Relation {
  readonly type: RelationType | string;
  /** The reference as written, e.g. `host:shop/db-host-1` or `host:db-host-1`. */
  readonly target: string;
  /** The canonical identity the reference names (syntactically resolved; may not exist). */
  readonly targetId: string;
  /** True for edges plumb inferred (Kubernetes selectors, mounts…), false for declared ones. */
  readonly inferred: boolean;
  /**
   * JSON Pointer into the declaring document where the relation is written
   * (`/relations/2`, or `/metadata/annotations/plumb.io~1relations` for
   * Kubernetes), used to place diagnostics. Inferred edges point at the field they
   * were inferred from.
   */
  readonly pointer: string;
}

export interface SourceLocator {
  /** snapshot | file | exec:NAME | kubernetes | endpoint | host */
  readonly provider: string;
  readonly [field: string]: unknown;
}

/**
 * A configuration item: one YAML document of the desired state, interpreted.
 * `object` is the whole document as data — what policies see as `object` and
 * what the diff compares; the other fields are conveniences derived from it.
 */
export interface CI {
  /** Canonical identity `kind:namespace/name`, kind lowercased. */
  readonly id: string;
  readonly apiVersion: string;
  /** The kind as written (PascalCase), e.g. `Database`, `Deployment`. */
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** `metadata.owner` as written (a reference), when present. */
  readonly owner?: string;
  readonly relations: readonly Relation[];
  readonly source?: SourceLocator;
  /** True when apiVersion is not `plumb.io/*`: a Kubernetes object. */
  readonly kubernetes: boolean;
  readonly object: Readonly<Record<string, unknown>>;
  readonly origin: Origin;
  /**
   * Pointers of fields whose values are secret beyond what the kind says
   * (Kubernetes Secret data, schema `x-plumb-secret`): values SOPS decrypted.
   */
  readonly secretPointers?: readonly string[];
}

/** The provider that owns a CI's actual counterpart, if any. */
export function effectiveProvider(ci: CI): string | undefined {
  return ci.source?.provider ?? (ci.kubernetes ? 'kubernetes' : undefined);
}
