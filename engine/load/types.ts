import type { PlumbConfig } from '../config/types.js';
import type { CI, Origin, RawDocument } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { RenderedUnit } from '../render/render-stage.js';

/** A JSON Schema for one CI kind, and where it came from (built-in or the repository's schemas/). */
export interface KindSchema {
  readonly kind: string;
  readonly schema: Readonly<Record<string, unknown>>;
  /** `builtin:<Kind>` or a repository-relative path. */
  readonly file: string;
}

/**
 * The desired state read from a work tree or a Git revision: every CI and
 * policy document with its origin, before validation. Produced by
 * `loadRepository` (engine/load/load-repository.ts).
 */
export interface LoadedRepository {
  /** Absolute path of the repository root. */
  readonly root: string;
  /** Commit SHA for `--rev`, or `worktree`. */
  readonly revision: string;
  readonly config: PlumbConfig;
  readonly cis: readonly CI[];
  /** Documents of kind Policy / PolicyException (and anything else found under the policy globs). */
  readonly policyDocuments: readonly RawDocument[];
  /** Kind name → schema; built-ins plus the repository's own. */
  readonly schemas: ReadonlyMap<string, KindSchema>;
  /** Content hash per loaded file (Git blob id), for caches and plan fingerprints. */
  readonly files: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
  /** The Kustomize units and Helm releases rendered (engine/render), with tool versions and cache keys; absent when there are none. */
  readonly renders?: readonly RenderedUnit[];
  /**
   * The inventory and policy files loaded through `sops decrypt` (engine/render/sops.ts), by path:
   * `decrypted`, or `failed` (no key, a MAC mismatch, no sops: a diagnostic, nothing of the file loaded).
   * Absent when there are none. The graph index (engine/graph/graph-index.ts) keys such a file by its
   * ciphertext's blob id, and a failed one leaves the repository without an index.
   */
  readonly sops?: ReadonlyMap<string, 'decrypted' | 'failed'>;
  /**
   * Position of a JSON Pointer inside a loaded document, for diagnostics. Lazy:
   * re-parses that one file with `yaml` for node ranges only when asked. Falls
   * back to the nearest existing ancestor, then to the document start. For a
   * rendered object, a field a Kustomize patch or a Helm values line sets is
   * placed there, and `file` names that file (else the origin's file holds it).
   */
  locate(origin: Origin, pointer: string): { line: number; column: number; file?: string };
  /**
   * True once `locate` needed the text of a file this load read and could not read it again — a revision's text
   * neither held nor in the content cache with no `git` on PATH, a work-tree file edited since the load — and so
   * placed a pointer at its document's start: a position of this run's circumstances rather than of the files,
   * which a cache keyed by the files must not keep for a later run (engine/operations/validate-answer.ts).
   */
  readonly textUnread?: () => boolean;
  /**
   * True when a kind schema could not be read (a repository schema that is not JSON, an unreadable `schemas`
   * directory): which fields are `x-plumb-secret` is unknown, so the load wrote no parse or render to the content
   * cache (cacheableDocument), and nothing computed from the CIs may be written either.
   */
  readonly secretFieldsUnknown?: boolean;
}
