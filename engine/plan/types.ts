import type { ChangeAction } from '../model/change-action.js';
import type { PatchOp } from '../diff/patch-op.js';
import type { ImpactSummary } from '../impact/types.js';
import type { PolicyChange, PolicyResult } from '../policy/types.js';

// The plan artifact names these; each lives with the stage that produces it.
export type { ChangeAction, PatchOp, ImpactSummary, PolicyResult };
export type { AffectedCI } from '../impact/types.js';

export interface PlannedChange {
  /** CI identity. */
  readonly id: string;
  readonly action: ChangeAction;
  readonly wave: number;
  /** Observed → desired; empty for noop. */
  readonly patch: readonly PatchOp[];
  /** Human diff (unified, redacted), empty for noop. */
  readonly diff: string;
  /** Provider name that will apply it (`snapshot`, `file`, `exec:NAME`, `kubernetes`…). */
  readonly provider: string;
  /** Target name from plumb.yaml. */
  readonly target: string;
  /** Repository file and line of the desired document (absent for deletes of CIs no longer in Git). */
  readonly file?: string;
  readonly line?: number;
  /**
   * For an object rendered by Kustomize or Helm: the unit and the file it was
   * rendered from (the template or resource file; `file`/`line` above point at
   * the patch or values line behind the change when one can be traced).
   */
  readonly rendered?: { readonly unit: string; readonly tool: 'kustomize' | 'helm'; readonly source: string };
  /** Changed paths (JSON Pointers), for policies' `change.paths`. */
  readonly paths: readonly string[];
  /** Impact of this change alone (event `change`, or `delete` for deletes). */
  readonly impact?: ImpactSummary;
  /** Desired document, redacted; needed by apply (absent for deletes). */
  readonly desired?: Readonly<Record<string, unknown>>;
  /**
   * The inventory that owns the object now, when it is not this one
   * (`plumb.io/inventory`): apply refuses to take it over without `--adopt`.
   */
  readonly owner?: string;
  /**
   * A cascaded delete: the server deletes this object because it deletes
   * `cascadeOf` (its Namespace, its CRD). Listed, counted, backed up; apply
   * sends no request of its own for it.
   */
  readonly cascadeOf?: string;
  /**
   * Action `replace`: the fields the server will not change in place (delete
   * + create). Applied only with `apply --allow-replace` or the desired
   * object's annotation `plumb.io/replace: allowed`; backed up first.
   */
  readonly replace?: { readonly fields: readonly string[]; readonly message: string };
}

export interface Plan {
  /**
   * The plan format: 2 since plan files write each object once
   * (engine/plan/plan-file.ts); 1 for plans read from older files.
   */
  readonly version: 1 | 2;
  /** Git commit SHA, or `worktree` (with a content hash) for an uncommitted work tree. */
  readonly revision: string;
  readonly createdAt: string;
  readonly targets: readonly string[];
  /** `replace` is absent in plans written before replaces existed. */
  readonly summary: { create: number; update: number; replace?: number; delete: number; noop: number; unmanaged: number };
  /**
   * `id` → sha256 of the canonical JSON of the observed object it was computed
   * from ("absent" when there was none), for every change apply makes (not noops,
   * not cascaded deletes): what apply re-checks before writing.
   */
  readonly fingerprints: Readonly<Record<string, string>>;
  readonly changes: readonly PlannedChange[];
  readonly unmanaged: readonly { id: string; target: string }[];
  readonly impact: ImpactSummary;
  readonly policy: { readonly results: readonly PolicyResult[]; readonly denied: boolean };
  /**
   * Per target: desired CIs its inventory renders, and objects it manages
   * (deletes included), counted over the whole plan — what the prune guards
   * judge, also when apply gets only a selection of the changes. Absent in
   * plans written before the guards.
   */
  readonly targetSizes?: Readonly<Record<string, { readonly desired: number; readonly managed: number }>>;
  /** CIs apply will back up before touching them. */
  readonly backups: readonly string[];
  /** sha256 of the plan's canonical JSON without this field. */
  readonly hash: string;
  /**
   * `plan --out` only (optional): per CI whose desired document holds redacted
   * secrets, HMAC-SHA256 (hex) of the unredacted document with the local plan
   * key, so apply can tell a secret changed since planning (engine/apply/plan-integrity.ts).
   */
  readonly secretDigests?: Readonly<Record<string, string>>;
  /** Review only (optional, added by engine/review): the base revision the changes are computed from; `revision` is the head. */
  readonly base?: string;
  /** Review with `--target` only (optional): the drift of the changed CIs, head desired vs the actual state. */
  readonly drift?: Plan;
  /**
   * Review only (optional): every policy and exception the pull request adds,
   * changes or removes. `policy` is then the base's verdict — the gate — and
   * `headPolicy` what the head's own policies say, shown but not gating.
   */
  readonly policyChanges?: readonly PolicyChange[];
  /** Review only (optional): the head's policies' results over the same changes (not the gate). */
  readonly headPolicy?: { readonly results: readonly PolicyResult[]; readonly denied: boolean };
}
