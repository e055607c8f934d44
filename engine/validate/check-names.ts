import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { MAX_NAME_LENGTH, NAME_PATTERN } from '../model/reference.js';
import { at, type Locate } from './place.js';

/**
 * `name.invalid`: plumb.io CI names must follow NAME_PATTERN and MAX_NAME_LENGTH
 * (DNS-subdomain-like, so every name is also a valid reference part).
 * Kubernetes objects get the stricter per-kind rules of `k8s.name-invalid`.
 */
export function checkNames(cis: readonly CI[], locate: Locate): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const ci of cis) {
    if (ci.kubernetes) continue;
    const problem =
      ci.name.length > MAX_NAME_LENGTH
        ? `is ${ci.name.length} characters long (at most ${MAX_NAME_LENGTH})`
        : NAME_PATTERN.test(ci.name)
          ? undefined
          : 'must be lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
    if (problem === undefined) continue;
    diagnostics.push(
      at(locate, {
        code: 'name.invalid',
        message: `name "${ci.name}" ${problem}`,
        hint: `rename it, e.g. "${suggestName(ci.name)}"`,
        ci,
        pointer: '/metadata/name',
      }),
    );
  }
  return diagnostics;
}

function suggestName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, MAX_NAME_LENGTH);
  return cleaned || 'my-name';
}
