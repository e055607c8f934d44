import type { PlumbConfig } from '../config/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { createProvider, type OpenProvider } from '../providers/registry.js';
import type { TargetCapabilities } from '../load/load-repository.js';

export interface RenderCapabilitiesOptions {
  /** `--target`; default plumb.yaml's defaultTarget, else the only kubernetes target. */
  readonly target?: string;
  /** `--kubeconfig` / `--context`. */
  readonly cliSettings?: { readonly kubeconfig?: string; readonly context?: string };
  readonly signal?: AbortSignal;
  /** Opens the target's provider (default the registry's `createProvider`; tests pass the in-memory fake). */
  readonly openProvider?: OpenProvider;
}

/**
 * Asks the Kubernetes target charts are rendered for what Argo CD's
 * repo-server passes to `helm template`: the server's version (`/version`
 * gitVersion) and the group-versions and `group-version/Kind` entries it
 * serves, through the kubernetes provider's own discovery. The loader calls it
 * only when a chart is rendered and plumb.yaml leaves a value unset.
 *
 * Which target: `target`, else plumb.yaml's defaultTarget, else the only
 * target whose provider is kubernetes. None (or not a kubernetes target): no
 * answer and nothing said (helm's defaults, as `helm template` alone). A
 * target that does not answer is one `render.target-unanswered` warning
 * naming it; the render goes on with plumb.yaml's values or helm's defaults.
 */
export function renderCapabilitiesFromTarget(options: RenderCapabilitiesOptions): (config: PlumbConfig, root: string) => Promise<TargetCapabilities> {
  return async (config, root) => {
    const kubernetes = Object.keys(config.targets).filter((n) => config.targets[n].provider === 'kubernetes');
    const name = options.target ?? config.defaultTarget ?? (kubernetes.length === 1 ? kubernetes[0] : undefined);
    const target = name !== undefined ? config.targets[name] : undefined;
    if (name === undefined || target?.provider !== 'kubernetes') return { diagnostics: [] };
    const unanswered = (why: string): TargetCapabilities => ({
      diagnostics: [
        {
          severity: 'warning',
          code: 'render.target-unanswered',
          message: `target ${name} did not say its Kubernetes version and API versions (${why}); charts render for plumb.yaml's kubeVersion and apiVersions where set, else helm's defaults`,
          hint: `check that target ${name} is reachable (kubeconfig, context), or set kubeVersion and apiVersions on it in plumb.yaml`,
          ...(config.file ? { file: config.file } : {}),
        } satisfies Diagnostic,
      ],
    });
    let provider;
    try {
      provider = (options.openProvider ?? createProvider)(name, target, { ...options.cliSettings, root, config });
    } catch (e) {
      return unanswered(e instanceof Error ? e.message : String(e));
    }
    try {
      const answer = await provider.capabilities?.(options.signal ?? new AbortController().signal);
      const failed = answer?.diagnostics.find((d) => d.severity === 'error');
      if (failed) return unanswered(failed.message);
      // a provider that has nothing to say (an in-memory stand-in): helm's defaults, nothing to warn about
      if (!answer?.kubeVersion) return { diagnostics: [] };
      return { diagnostics: [], kubeVersion: answer.kubeVersion, ...(answer.apiVersions ? { apiVersions: answer.apiVersions } : {}) };
    } catch (e) {
      return unanswered(e instanceof Error ? e.message : String(e));
    } finally {
      await provider.close?.();
    }
  };
}
