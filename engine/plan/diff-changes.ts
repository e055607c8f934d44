import type { LoadedRepository } from '../load/types.js';
import { diffObject, type ObjectDiff } from '../diff/diff-object.js';
import { ignorePointersFor } from '../diff/ignore-pointers.js';
import { holdsSecretData, KUBERNETES_SECRET_POINTERS, secretPointersOf } from '../redact/secret-pointers.js';
import { redactObject } from '../redact/redact-object.js';
import type { ChangeAction } from './types.js';
import { kubernetesValueEquality } from '../kubernetes-schema/value-equality.js';
import { MANAGED_BY_LABEL } from '../providers/managed-label.js';
import { formatPointer } from '../model/json-pointer.js';

const PLUMB_LABELS_POINTER = formatPointer(['metadata', 'labels', MANAGED_BY_LABEL.slice(0, MANAGED_BY_LABEL.indexOf('/') + 1)]);
import type { MatchedPair } from './match-changes.js';

/** A matched pair with its action decided and its diff computed (redacted). */
export interface DiffedChange {
  readonly pair: MatchedPair;
  readonly action: ChangeAction;
  readonly diff: ObjectDiff;
  /** The desired document, redacted, for creates and updates (what apply sends). */
  readonly desired?: Readonly<Record<string, unknown>>;
}

/**
 * How one pair is compared. The plan's default compares only the fields the
 * desired CI declares (engine/diff); a review compares whole documents.
 */
export type CompareFn = (pair: MatchedPair, secretPointers: readonly string[]) => ObjectDiff;

/**
 * Decides each pair's action and diff. The text diff is rendered only for
 * changed objects (rendering YAML is the expensive part), so 100k unchanged
 * CIs cost one field walk each. Secrets: the schema's `x-plumb-secret` fields
 * and Kubernetes Secret values are redacted in the patch, the text and the
 * desired copy.
 */
export function diffChanges(pairs: readonly MatchedPair[], repo: Pick<LoadedRepository, 'schemas' | 'config'>, compare?: CompareFn): DiffedChange[] {
  const out: DiffedChange[] = [];
  // The schema's secret fields are the same for every CI of a kind: walk each schema once.
  // frozen: the diff finds their patterns and tries by identity (engine/redact/pointer-trie.ts)
  const byKind = new Map<string, readonly string[]>();
  for (const pair of pairs) {
    const doc = pair.desired?.object ?? pair.observed?.object;
    const kind = pair.desired?.kind ?? (typeof doc?.kind === 'string' ? doc.kind : '');
    let fromSchema = byKind.get(kind);
    if (!fromSchema) byKind.set(kind, (fromSchema = Object.freeze(secretPointersOf(undefined, repo.schemas.get(kind)?.schema))));
    const known = holdsSecretData(doc) ? [...KUBERNETES_SECRET_POINTERS, ...fromSchema] : fromSchema;
    // values SOPS decrypted are secret whatever the kind (engine/render/sops.ts)
    const decrypted = pair.desired?.secretPointers;
    const secrets = decrypted?.length ? [...known, ...decrypted] : known;
    const diff = compare ? compare(pair, secrets) : declaredDiff(pair, repo, secrets);
    const action: ChangeAction =
      pair.unplanned !== undefined
        ? 'noop'
        : !pair.desired
          ? 'delete'
          : !pair.observed
            ? 'create'
            : pair.replace
              ? 'replace'
              : diff.changed
                ? 'update'
                : 'noop';
    const desired = pair.desired && action !== 'noop' ? redactObject(pair.desired.object, secrets) : undefined;
    out.push({ pair, action, diff, desired });
  }
  return out;
}

function declaredDiff(pair: MatchedPair, repo: Pick<LoadedRepository, 'config'>, secretPointers: readonly string[]): ObjectDiff {
  const ci = pair.desired;
  const ignorePointers = ci ? ignorePointersFor(ci, repo.config.ignoreDifferences) : [];
  // plumb's own marks (plumb.io/managed-by, plumb.io/inventory…) are added by every provider on apply: never a removal
  const owned = pair.observed?.owned?.filter((p) => !p.startsWith(PLUMB_LABELS_POINTER));
  // Kubernetes objects compare by Kubernetes' value semantics, whichever provider observed them (live or a snapshot)
  const doc = ci?.object ?? pair.observed?.object;
  const kubernetes = ci ? ci.kubernetes : typeof doc?.apiVersion === 'string' && !doc.apiVersion.startsWith('plumb.io');
  const equal =
    kubernetes && typeof doc?.apiVersion === 'string' && typeof doc.kind === 'string' ? kubernetesValueEquality(doc.apiVersion, doc.kind) : undefined;
  return diffObject(pair.projected ?? ci?.object, pair.observed?.object, {
    id: pair.id,
    ignorePointers,
    secretPointers,
    ...(owned?.length ? { owned } : {}),
    ...(equal ? { equal } : {}),
    ...(kubernetes ? { absentIsEmpty: true } : {}),
  });
}
