import type { LoadedRepository } from '../load/types.js';
import { redactObject } from '../redact/redact-object.js';
import { secretPointersOf } from '../redact/secret-pointers.js';
import type { PlanTargetInput } from './match-changes.js';

/**
 * One CI's two documents, as a browser of the whole inventory shows them
 * (`plumb tui`'s YAML view): what Git declares and what the target's
 * provider observed, each with every secret value replaced by `(sensitive)`.
 */
export interface CIDocument {
  /** Canonical identity `kind:namespace/name`. */
  readonly id: string;
  /** The kind as written (`Database`, `ConfigMap`). */
  readonly kind: string;
  /** As in the identity: `_cluster` for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  /** Target name from plumb.yaml. */
  readonly target: string;
  /** The desired document, redacted; absent for an object only the target has. */
  readonly desired?: Readonly<Record<string, unknown>>;
  /** The observed object, redacted; absent when the target does not have it (yet). */
  readonly observed?: Readonly<Record<string, unknown>>;
}

/**
 * Every desired CI and every observed object of the planned targets, paired
 * by identity, redacted by the one secret rule (engine/redact/secret-pointers.ts:
 * Kubernetes Secret data, schema `x-plumb-secret` fields, and for desired CIs
 * the values SOPS decrypted). Linear in the objects; only the redacted
 * branches are copied. Sorted by identity, then target.
 */
export function ciDocuments(targets: readonly PlanTargetInput[], schemas: LoadedRepository['schemas']): CIDocument[] {
  const out = new Map<string, { -readonly [K in keyof CIDocument]: CIDocument[K] }>();
  const schemaOf = (kind: unknown) => (typeof kind === 'string' ? schemas.get(kind)?.schema : undefined);
  for (const t of targets) {
    for (const ci of t.desired) {
      const secrets = secretPointersOf(ci.object, schemaOf(ci.kind));
      if (ci.secretPointers?.length) secrets.push(...ci.secretPointers);
      const key = `${ci.id}\n${t.name}`;
      out.set(key, {
        id: ci.id,
        kind: ci.kind,
        namespace: ci.namespace,
        name: ci.name,
        target: t.name,
        desired: redactObject(ci.object, secrets),
      });
    }
    for (const o of t.observed) {
      const observed = redactObject(o.object, secretPointersOf(o.object, schemaOf(o.object.kind)));
      const key = `${o.id}\n${t.name}`;
      const known = out.get(key);
      if (known) {
        known.observed = observed;
        continue;
      }
      // identities are `kind:namespace/name` (namespace `_cluster` for cluster-scoped objects)
      const colon = o.id.indexOf(':');
      const slash = o.id.indexOf('/', colon);
      out.set(key, {
        id: o.id,
        kind: typeof o.object.kind === 'string' ? o.object.kind : o.id.slice(0, colon),
        namespace: slash > colon ? o.id.slice(colon + 1, slash) : '',
        name: o.id.slice(Math.max(colon, slash) + 1),
        target: t.name,
        observed,
      });
    }
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}
