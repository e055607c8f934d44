import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { matchObserved } from '../diff/match-observed.js';
import type { ObservedObject } from '../providers/contract.js';
import { INVENTORY_LABEL, LEGACY_OWNER } from '../providers/managed-label.js';
import { compareText } from '../model/compare-text.js';

/** One target's desired CIs and what its provider observed (and, with provider.diff, projected). */
export interface PlanTargetInput {
  /** Target name from plumb.yaml. */
  readonly name: string;
  /** Provider name (`snapshot`, `file`, `exec:NAME`, `kubernetes`…). */
  readonly provider: string;
  readonly desired: readonly CI[];
  readonly observed: readonly ObservedObject[];
  /** Identity → what the object would look like after apply (Kubernetes server-side dry run). */
  readonly projected?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Identity → why its diff failed: planned as a noop (left alone), with the error beside the plan. */
  readonly unplanned?: ReadonlyMap<string, string>;
  /** Identity → why it can only be replaced (provider.diff's `replace`). */
  readonly replaces?: ReadonlyMap<string, { readonly fields: readonly string[]; readonly message: string }>;
  /** Parent identity (a Namespace, a CRD) → the objects its deletion removes with it (provider.cascade). */
  readonly cascades?: ReadonlyMap<string, readonly ObservedObject[]>;
  /** Per-CI provider, when one pseudo-target spans providers (a review); default `provider`. */
  readonly providerOf?: (ci: CI) => string;
}

/** A desired CI, an observed object, or both, under one identity, before diffing. */
export interface MatchedPair {
  readonly id: string;
  readonly target: string;
  readonly provider: string;
  readonly desired?: CI;
  readonly observed?: ObservedObject;
  readonly projected?: Readonly<Record<string, unknown>>;
  /** The provider could not diff it: left alone this time (the diagnostic says why). */
  readonly unplanned?: string;
  /** The change can only be a replace (immutable fields differ). */
  readonly replace?: { readonly fields: readonly string[]; readonly message: string };
  /** A cascaded delete: the identity whose deletion removes this object (the server does it). */
  readonly cascadeOf?: string;
}

export interface MatchResult {
  /** Desired CIs (with their observed counterpart, if any), and observed objects plumb created that left Git. */
  readonly pairs: readonly MatchedPair[];
  readonly unmanaged: readonly { id: string; target: string }[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Pairs desired and observed by identity, target by target, with
 * engine/diff's matchObserved (docs/architecture.md, "Providers"): an observed object
 * without a desired counterpart is `unmanaged` and left alone, unless plumb
 * created it — then it is a `delete` in the plan (apply carries it out only
 * under the prune gate, see matchObserved). A CI selected by two targets is
 * planned once, by the first target (in the order given), with a warning.
 * Linear in the number of CIs.
 */
export function matchChanges(targets: readonly PlanTargetInput[]): MatchResult {
  const pairs: MatchedPair[] = [];
  const unmanaged: { id: string; target: string }[] = [];
  const diagnostics: Diagnostic[] = [];
  const claimed = new Map<string, string>();
  for (const target of targets) {
    const desired = target.desired.filter((ci) => {
      const owner = claimed.get(ci.id);
      if (owner === undefined) return true;
      diagnostics.push({
        severity: 'warning',
        code: 'plan.target-overlap',
        ci: ci.id,
        file: ci.origin.file,
        line: ci.origin.line,
        column: ci.origin.column,
        message: `${ci.id} is selected by targets ${owner} and ${target.name}; it is planned by ${owner}`,
        hint: "narrow one target's `select` in plumb.yaml",
      });
      return false;
    });
    for (const ci of desired) claimed.set(ci.id, target.name);
    const match = matchObserved(desired, target.observed);
    const providerOf = target.providerOf;
    const projected = target.projected;
    const replaces = target.replaces;
    const unplanned = target.unplanned;
    // one literal, the two rare members added after it: spreading `{}` per pair cost ~0.4 CPU-s at 100k CIs
    const pair = (d: CI | undefined, o: ObservedObject | undefined): MatchedPair => {
      const made: { -readonly [K in keyof MatchedPair]: MatchedPair[K] } = {
        id: d ? d.id : o!.id,
        target: target.name,
        provider: d && providerOf ? providerOf(d) : target.provider,
        desired: d,
        observed: o,
        projected: d && projected ? projected.get(d.id) : undefined,
      };
      if (d && o && replaces?.has(d.id)) made.replace = replaces.get(d.id);
      if (d && unplanned?.has(d.id)) made.unplanned = unplanned.get(d.id);
      return made;
    };
    for (const p of match.pairs) pairs.push(pair(p.desired, p.observed));
    for (const d of match.creates) pairs.push(pair(d, undefined));
    const cascadedBy = new Map<string, string>();
    for (const o of match.deletes) {
      for (const child of target.cascades?.get(o.id) ?? []) if (!cascadedBy.has(child.id)) cascadedBy.set(child.id, o.id);
    }
    const deleted = new Set<string>();
    for (const o of match.deletes) {
      if (claimed.has(o.id)) continue;
      deleted.add(o.id);
      const parent = cascadedBy.get(o.id);
      pairs.push(parent ? { ...pair(undefined, o), cascadeOf: parent } : pair(undefined, o));
    }
    // what the server deletes with a parent, and that no change names yet
    for (const [childId, parent] of cascadedBy) {
      if (deleted.has(childId)) continue;
      const child = target.cascades!.get(parent)!.find((c) => c.id === childId)!;
      if (claimed.has(childId)) {
        const ci = target.desired.find((d) => d.id === childId);
        diagnostics.push({
          severity: 'warning',
          code: 'plan.cascade-declared',
          ci: childId,
          ...(ci ? { file: ci.origin.file, line: ci.origin.line, column: ci.origin.column } : {}),
          message: `${childId} is declared in Git, but deleting ${parent} deletes it too`,
          hint: `declare ${parent} again, or move ${childId} elsewhere`,
        });
        continue;
      }
      deleted.add(childId);
      pairs.push({ ...pair(undefined, child), cascadeOf: parent });
    }
    for (const o of match.unmanaged) {
      if (claimed.has(o.id) || deleted.has(o.id)) continue;
      unmanaged.push({ id: o.id, target: target.name });
      if (o.owner === LEGACY_OWNER) {
        diagnostics.push({
          severity: 'warning',
          code: 'ownership.legacy',
          ci: o.id,
          message: `${o.id} was made by a plumb before inventory ids and no CI of target ${target.name} declares it: it is listed as unmanaged, never pruned`,
          hint: `if this repository made it, delete it by hand, or declare it again and apply (that marks it ${INVENTORY_LABEL}=<this inventory>)`,
        });
      }
    }
  }
  unmanaged.sort((a, b) => compareText(a.id, b.id) || compareText(a.target, b.target));
  return { pairs, unmanaged, diagnostics };
}
