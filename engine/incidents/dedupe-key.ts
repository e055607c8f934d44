import { createHash } from 'node:crypto';

/**
 * The stable key of an incident: sha256 of the CI identity and the kind of
 * failure. The same failure of the same CI always gets the same key — across
 * controller restarts, replicas and recurrences — so an ITSM system can group
 * by it.
 */
export function dedupeKeyOf(ci: string, kind: string): string {
  return createHash('sha256').update(`${ci}\n${kind}`).digest('hex');
}
