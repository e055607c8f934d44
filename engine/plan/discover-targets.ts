import type { PlumbConfig } from '../config/types.js';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { ObservedObject, Provider } from '../providers/contract.js';
import { matchObserved } from '../diff/match-observed.js';
import { createProvider, selectDesired, type OpenProvider, type ProviderContext } from '../providers/registry.js';
import { mapConcurrent } from '../concurrency/map-concurrent.js';
import { holdsSecretValues, secretKindSchemas } from '../redact/scrubber.js';
import { fieldPathPointer } from '../providers/kubernetes/field-path.js';
import type { PlanTargetInput } from './match-changes.js';

/** Identity kinds whose deletion deletes other objects on the server. */
const CASCADING_KINDS: ReadonlySet<string> = new Set(['namespace', 'customresourcedefinition']);

/** Provider diffs in flight at once (the Kubernetes provider's connection pool is 16). */
const DIFF_CONCURRENCY = 16;

export interface DiscoverTargetsInput {
  readonly config: PlumbConfig;
  readonly names: readonly string[];
  readonly cis: readonly CI[];
  /** Absolute repository root: relative paths in target settings start here. */
  readonly root: string;
  /** Extra provider settings from the command line (`kubeconfig`, `context`), for providers that read them. */
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  /** Places a provider's per-CI diagnostic at the field it names (the loader's `locate`); without it, at the document. */
  readonly locate?: (origin: CI['origin'], pointer: string) => { line: number; column: number };
  /** Opens each target's provider (default {@link createProvider}); what it returns is closed here. */
  readonly openProvider?: OpenProvider;
  /** The kind schemas in force (the loader's): a diff of an object with an `x-plumb-secret` value is marked `holdsSecrets`, so no provider caches it. */
  readonly schemas?: ReadonlyMap<string, { readonly schema: unknown }>;
}

/**
 * Asks each target's provider for the actual state of the CIs it owns and, when
 * the provider can (`diff`: Kubernetes' server-side-apply dry run), for what
 * each object would look like after apply. Providers answer failures with
 * diagnostics; a target whose discover reports an error is still returned (its
 * plan would be wrong, and the caller refuses it on the error diagnostics).
 * Providers are closed before returning.
 */
export async function discoverTargets(input: DiscoverTargetsInput): Promise<{ targets: PlanTargetInput[]; diagnostics: Diagnostic[]; blocking: Diagnostic[] }> {
  const targets: PlanTargetInput[] = [];
  const diagnostics: Diagnostic[] = [];
  /** Per-CI diff failures: reported, the CI left out of the plan (a noop), the rest planned. */
  const perCi = new Set<Diagnostic>();
  for (const name of input.names) {
    const config = input.config.targets[name];
    const selected = selectDesired(config, name, input.cis);
    const context: ProviderContext = { ...input.cliSettings, root: input.root, config: input.config };
    const provider: Provider = (input.openProvider ?? createProvider)(name, config, context);
    try {
      const answer = await provider.discover({ desired: selected }, input.signal);
      // CIs whose actual state is unknown (an unavailable API group) are left out: neither created nor pruned
      const unknown = new Set(answer.unknown ?? []);
      const desired = unknown.size ? selected.filter((ci) => !unknown.has(ci.id)) : selected;
      diagnostics.push(...answer.diagnostics);
      const projected = new Map<string, Readonly<Record<string, unknown>>>();
      const replaces = new Map<string, { fields: readonly string[]; message: string }>();
      const unplanned = new Map<string, string>();
      // a discovery that failed makes this target's plan wrong anyway (the caller
      // refuses it): no per-CI diffs against a target that is not answering
      if (provider.diff && !answer.diagnostics.some((d) => d.severity === 'error')) {
        const diff = provider.diff.bind(provider);
        const byId = new Map(answer.observed.map((o) => [o.id, o]));
        // one round trip per CI (a server-side-apply dry run): in parallel, bounded, answers in input order
        const schemaOf = secretKindSchemas(input.schemas ?? new Map());
        const answers = await mapConcurrent(desired, DIFF_CONCURRENCY, (ci) => {
          const observed = byId.get(ci.id);
          const holdsSecrets = holdsSecretValues(ci.object, schemaOf) || holdsSecretValues(observed?.object, schemaOf);
          return diff({ desired: ci, observed, ...(holdsSecrets ? { holdsSecrets } : {}) }, input.signal);
        });
        answers.forEach((d, i) => {
          const found = d.diagnostics.map((x) => placed(x, desired[i], input.locate));
          diagnostics.push(...found);
          const failed = found.filter((x) => x.severity === 'error');
          if (failed.length > 0 && !failed.some((x) => x.code.endsWith('.unreachable'))) {
            for (const x of failed) perCi.add(x);
            unplanned.set(desired[i].id, failed[0].message);
          }
          if (d.projected) projected.set(desired[i].id, d.projected);
          if (d.replace) replaces.set(desired[i].id, d.replace);
        });
      }
      // a Namespace or CRD that would be deleted takes objects with it: ask what, so the plan lists them
      let cascades: ReadonlyMap<string, readonly ObservedObject[]> | undefined;
      if (provider.cascade && !answer.diagnostics.some((d) => d.severity === 'error')) {
        const parents = matchObserved(desired, answer.observed)
          .deletes.map((o) => o.id)
          .filter((id) => CASCADING_KINDS.has(id.slice(0, id.indexOf(':'))));
        if (parents.length > 0) {
          const cascaded = await provider.cascade({ ids: parents }, input.signal);
          diagnostics.push(...cascaded.diagnostics);
          cascades = cascaded.cascades;
        }
      }
      targets.push({
        name,
        provider: provider.name,
        desired,
        observed: answer.observed,
        ...(projected.size ? { projected } : {}),
        ...(replaces.size ? { replaces } : {}),
        ...(unplanned.size ? { unplanned } : {}),
        ...(cascades?.size ? { cascades } : {}),
      });
    } finally {
      await provider.close?.();
    }
  }
  return { targets, diagnostics, blocking: diagnostics.filter((d) => d.severity === 'error' && !perCi.has(d)) };
}

/**
 * A provider's answer about one CI, placed in the repository: at the first field
 * the API server named (`fields`), else at the start of the CI's document.
 */
function placed(d: Diagnostic, ci: CI, locate: DiscoverTargetsInput['locate']): Diagnostic {
  if (d.file !== undefined || d.ci !== ci.id) return d;
  const pointer = d.fields?.length ? fieldPathPointer(ci.object, d.fields[0]) : '';
  const { line, column } = locate && pointer ? locate(ci.origin, pointer) : ci.origin;
  return { ...d, file: ci.origin.file, line, column };
}
