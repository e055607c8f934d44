/**
 * The label plumb puts on what it creates. Prune only ever deletes objects
 * that carry it (DESIGN.md: unmanaged objects are never deleted).
 */
export const MANAGED_BY_LABEL = 'plumb.io/managed-by';
export const MANAGED_BY_VALUE = 'plumb';

export function isManagedByPlumb(object: Readonly<Record<string, unknown>>): boolean {
  const labels = (object.metadata as { labels?: Record<string, unknown> } | undefined)?.labels;
  return labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** A copy of `object` carrying the label (for creates). */
export function withManagedLabel(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const labels = (metadata.labels ?? {}) as Record<string, unknown>;
  return { ...object, metadata: { ...metadata, labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } };
}
