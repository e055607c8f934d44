import type { DiscoverRequest } from './contract.js';
import { identityOf } from '../model/identity.js';

/** Does an observed document fall under a discover selector? Kinds compare case-insensitively. */
export function matchesSelector(object: Readonly<Record<string, unknown>>, selector: NonNullable<DiscoverRequest['selector']>): boolean {
  const id = identityOf(object);
  if (!id) return false;
  if (selector.kinds && !selector.kinds.some((k) => k.toLowerCase() === id.kind.toLowerCase())) return false;
  if (selector.namespaces && !selector.namespaces.includes(id.namespace)) return false;
  if (selector.labels) {
    const labels = ((object.metadata as { labels?: Record<string, unknown> }).labels ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(selector.labels)) if (labels[k] !== v) return false;
  }
  return true;
}
