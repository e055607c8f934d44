import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { KindSchema } from '../load/types.js';
import { suggestion } from '../model/did-you-mean.js';
import { at, type Locate } from './place.js';

/**
 * `kind.unknown`: a plumb.io CI whose kind has no schema. Kubernetes objects are
 * exempt — their kinds are open-ended and get the `k8s.*` checks instead.
 * Returns the CIs whose kind is known, so the schema check runs only on those.
 */
export function checkKinds(cis: readonly CI[], schemas: ReadonlyMap<string, KindSchema>, locate: Locate): { known: CI[]; diagnostics: Diagnostic[] } {
  const known: CI[] = [];
  const diagnostics: Diagnostic[] = [];
  const kinds = [...schemas.keys()].sort();
  for (const ci of cis) {
    if (ci.kubernetes || schemas.has(ci.kind)) {
      known.push(ci);
      continue;
    }
    diagnostics.push(
      at(locate, {
        code: 'kind.unknown',
        message: `unknown kind "${ci.kind}"${suggestion(ci.kind, kinds)}`,
        hint: `known kinds: ${kinds.join(', ') || '(none)'}; add schemas/${ci.kind}.schema.json to define a new kind`,
        ci,
        pointer: '/kind',
      }),
    );
  }
  return { known, diagnostics };
}
