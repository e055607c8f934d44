import { isKubernetesSecret } from '../../redact/secret-pointers.js';

/**
 * The secret values a request carries (a Secret's data, decoded and not), so
 * they can be scrubbed from a plugin's stderr before it reaches a diagnostic.
 * Values shorter than 4 characters are left alone: scrubbing them would
 * mangle ordinary words without protecting much.
 */
export function secretStrings(desired: Readonly<Record<string, unknown>> | undefined): string[] {
  if (!desired || !isKubernetesSecret(desired)) return [];
  const out: string[] = [];
  for (const field of ['data', 'stringData']) {
    const map = desired[field];
    if (typeof map !== 'object' || map === null) continue;
    for (const v of Object.values(map)) {
      if (typeof v !== 'string') continue;
      out.push(v);
      if (field === 'data') out.push(Buffer.from(v, 'base64').toString('utf8'));
    }
  }
  return out.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}
