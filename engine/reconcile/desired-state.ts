import { createHash } from 'node:crypto';
import type { CIGraph } from '../graph/types.js';
import { renderCapabilitiesFromTarget } from '../plan/render-capabilities.js';
import type { OpenProvider } from '../providers/registry.js';
import { loadRepository } from '../load/load-repository.js';
import type { LoadedRepository } from '../load/types.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { canonicalJson } from '../model/canonical-json.js';
import { loadPolicies, type LoadedPolicies } from '../policy/load-policies.js';
import type { SourceArtifact } from '../sources/types.js';
import { validateRepository } from '../validate/validate.js';

/**
 * One revision of the desired state, loaded and validated once and kept for as
 * long as it is the newest good one: interval and drift reconciles re-plan it
 * without reading or parsing a single file again.
 */
export interface DesiredState {
  readonly revision: string;
  readonly artifact: SourceArtifact;
  readonly repo: LoadedRepository;
  readonly graph: CIGraph;
  readonly policies: LoadedPolicies;
  /** CI id → sha256 of its canonical desired document: what "Git changed this CI" is measured with. */
  readonly digests: ReadonlyMap<string, string>;
}

/**
 * Loads and validates a fetched revision. An invalid one (any error
 * diagnostic from load, validation or the policies) yields no state, only the
 * diagnostics: it must never replace the last good revision.
 */
export async function loadDesiredState(
  artifact: SourceArtifact,
  /** `--kubeconfig`/`--context`: charts render for the Kubernetes target's version and API versions. */
  cliSettings?: Readonly<Record<string, unknown>>,
  /** Opens the target's provider for that question (default the registry's). */
  openProvider?: OpenProvider,
): Promise<{ desired?: DesiredState; diagnostics: Diagnostic[] }> {
  const repo = await loadRepository({
    repo: artifact.dir,
    ...(artifact.rev ? { rev: artifact.rev } : {}),
    targetCapabilities: renderCapabilitiesFromTarget({
      cliSettings: cliSettings as { kubeconfig?: string; context?: string } | undefined,
      ...(openProvider ? { openProvider } : {}),
    }),
  });
  const { graph, diagnostics: validation } = validateRepository(repo);
  const diagnostics: Diagnostic[] = [...validation];
  const policies = loadPolicies(repo.policyDocuments, repo.locate);
  diagnostics.push(...policies.diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics };
  const digests = new Map<string, string>();
  for (const ci of repo.cis) digests.set(ci.id, createHash('sha256').update(canonicalJson(ci.object)).digest('hex'));
  return { desired: { revision: artifact.revision, artifact, repo, graph, policies, digests }, diagnostics };
}
