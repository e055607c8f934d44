/**
 * The canonical writer as it was before its JSON.stringify fast paths (4e44b0d), kept as the
 * reference of the canonical-JSON tests: the plan `hash` and `fingerprints` are this text's digest,
 * and apply recomputes them to detect a stale plan, so any value the fast paths write differently
 * makes a saved plan stale (or two different plans equal). A hole of a sparse array is `null`.
 */
export function referenceCanonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) items.push(value[i] === undefined ? 'null' : referenceCanonicalJson(value[i]));
    return `[${items.join(',')}]`;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return referenceCanonicalJson((value as { toJSON(): unknown }).toJSON());
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    members.push(`${JSON.stringify(key)}:${referenceCanonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
