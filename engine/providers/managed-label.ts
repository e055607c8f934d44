import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Ownership marks (kapp's app label, Flux's name/namespace labels). Every
 * object plumb applies carries two labels:
 *
 * - `plumb.io/managed-by=plumb` — plumb created it (kept for selectors and
 *   for the plumb versions that knew only this label);
 * - `plumb.io/inventory=<inventoryId>.<target>` — *which* inventory owns it:
 *   one repository's target. Prune deletes only objects carrying this
 *   inventory's value; an object another inventory owns is never pruned and
 *   never taken over without `apply --adopt`.
 *
 * An object with the first label but not the second was made by a plumb
 * before inventory ids ("legacy"). It is claimed (migrated) by the inventory
 * that declares it, on its next apply; one no inventory declares is listed as
 * unmanaged with a warning — never pruned, because which repository made it
 * can no longer be told.
 */
export const MANAGED_BY_LABEL = 'plumb.io/managed-by';
export const MANAGED_BY_VALUE = 'plumb';
export const INVENTORY_LABEL = 'plumb.io/inventory';

type Obj = Readonly<Record<string, unknown>>;

function labelsOf(object: Obj): Record<string, unknown> | undefined {
  return (object.metadata as { labels?: Record<string, unknown> } | undefined)?.labels;
}

/**
 * The label value of one repository's target: `<inventoryId>.<target>`, a
 * valid label value (at most 63 characters: a longer one keeps its first 54
 * and adds 8 hex digits of its SHA-256).
 */
export function inventoryLabelValue(inventoryId: string, target: string): string {
  const full = `${inventoryId}.${target}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (full.length <= 63) return full || 'plumb';
  return `${full.slice(0, 54).replace(/[^a-z0-9]+$/, '')}-${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
}

/**
 * The default inventory id, when plumb.yaml sets no `inventoryId`: the name
 * of the repository its `origin` remote points at (`…/shop-infra.git` →
 * `shop-infra`), so a clone anywhere and the controller's fetch of the same
 * URL agree; without a remote, the name of the directory holding plumb.yaml.
 * As a label-safe word of at most 40 characters.
 */
export function defaultInventoryId(root: string): string {
  let name = basename(root);
  try {
    const config = readFileSync(join(root, '.git', 'config'), 'utf8');
    const origin = /\[remote "origin"\][^[]*?\burl\s*=\s*(\S+)/.exec(config)?.[1];
    const last = origin
      ?.replace(/\/+$/, '')
      .split(/[/:]/)
      .pop()
      ?.replace(/\.git$/, '');
    if (last) name = last;
  } catch {
    // no .git directory (a plain directory, or a worktree's .git file): the directory's name
  }
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
      .slice(0, 40) || 'plumb'
  );
}

/** This repository's inventory label value for one target (plumb.yaml `inventoryId`, else the default). */
export function inventoryOf(config: { readonly inventoryId?: string }, root: string, target: string): string {
  return inventoryLabelValue(config.inventoryId ?? defaultInventoryId(root), target);
}

/**
 * How a provider reports an observed object's ownership: `managedByPlumb`
 * when this inventory owns it (a legacy object counts when a desired CI
 * declares it — it is migrated on the next apply), `owner` naming anyone else
 * (`legacy` for a plumb-made object no inventory declares).
 */
export function observedOwnership(object: Obj, inventory: string | undefined, declared: boolean): { managedByPlumb: boolean; owner?: string } {
  const o = ownershipOf(object, inventory);
  if (o.by === 'this') return { managedByPlumb: true };
  if (o.by === 'other') return { managedByPlumb: false, owner: o.owner };
  if (o.by === 'legacy') return declared ? { managedByPlumb: true } : { managedByPlumb: false, owner: LEGACY_OWNER };
  return { managedByPlumb: false };
}

/** `owner` of an object made by a plumb before inventory ids that no desired CI declares. */
export const LEGACY_OWNER = 'legacy';

/** Who owns an object: this inventory, another (its label value), a plumb before inventory ids, or nobody. */
export type Ownership = { readonly by: 'this' } | { readonly by: 'other'; readonly owner: string } | { readonly by: 'legacy' } | { readonly by: 'none' };

/**
 * The ownership of `object` as seen by the inventory `inventory` (a label
 * value from inventoryLabelValue). Without an inventory (a provider used
 * outside a repository, e.g. in unit tests), the managed-by label alone
 * counts as "this".
 */
export function ownershipOf(object: Obj, inventory: string | undefined): Ownership {
  const labels = labelsOf(object);
  const owner = labels?.[INVENTORY_LABEL];
  if (typeof owner === 'string' && owner) {
    if (inventory === undefined || owner === inventory) return { by: 'this' };
    return { by: 'other', owner };
  }
  if (labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) return inventory === undefined ? { by: 'this' } : { by: 'legacy' };
  return { by: 'none' };
}

/** Was this object created by plumb (either label)? */
export function isManagedByPlumb(object: Obj): boolean {
  return labelsOf(object)?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** A copy of `object` carrying plumb's labels: managed-by, and this inventory's when there is one. */
export function withManagedLabel(object: Obj, inventory?: string): Record<string, unknown> {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const labels = (metadata.labels ?? {}) as Record<string, unknown>;
  const own = inventory === undefined ? {} : { [INVENTORY_LABEL]: inventory };
  return { ...object, metadata: { ...metadata, labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, ...own } } };
}
